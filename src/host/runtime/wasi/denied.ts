/**
 * wasi:filesystem and wasi:sockets with no authority: no preopened directories (so no descriptor can
 * ever be obtained) and every socket or name lookup fails with `access-denied`.
 */

const ACCESS_DENIED = 'access-denied';
const deny = (): never => {
  throw ACCESS_DENIED;
};

export class Descriptor {}
export class DirectoryEntryStream {}
export class Network {}
export class TcpSocket {}
export class UdpSocket {}
export class IncomingDatagramStream {}
export class OutgoingDatagramStream {}
export class ResolveAddressStream {}

const network = new Network();

export function deniedImports(): Record<string, Record<string, unknown>> {
  return {
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': { Descriptor, DirectoryEntryStream, filesystemErrorCode: () => undefined },
    'wasi:sockets/network': { Network },
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: deny },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': { createUdpSocket: deny },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: deny },
  };
}
