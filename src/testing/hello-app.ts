/**
 * (Shared by tests and bench/, so it lives outside test/; not part of the library's exports.)
 * The manifests the end-to-end tests and benchmarks deploy: a component behind the built-in http-server.
 */

const head = (name: string, version: string, image: string, instances: number) => `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${name}
  annotations:
    version: ${version}
spec:
  components:
    - name: hello
      type: component
      properties:
        image: ${image}
      traits:
        - type: spreadscaler
          properties:
            instances: ${instances}`;

/** The link from an http-server capability to `hello`, listening on `port` (config `configName`). */
const serverLink = (configName: string, port: number) => `
        - type: link
          properties:
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            target:
              name: hello
            source:
              config:
                - name: ${configName}
                  properties:
                    address: 127.0.0.1:${port}`;

const HTTP_SERVER = 'ghcr.io/wasmcloud/http-server:0.24.0';

/** The hello app: `hello` (a spreadscaler of `instances`) linked from the built-in http-server on `port`. */
export function helloApp(o: {
  name: string;
  port: number;
  image: string;
  version?: string;
  instances?: number;
}): string {
  return `${head(o.name, o.version ?? 'v1', o.image, o.instances ?? 1)}
    - name: httpserver
      type: capability
      properties:
        image: ${HTTP_SERVER}
      traits:${serverLink('listen', o.port)}
`;
}

/**
 * The hello component with one built-in http-server per zone (`zone=a`, `zone=b` host labels), each listening on its
 * own port: killing the host of one zone leaves the other serving (host-failure tests and benchmark).
 */
export function twoZoneHelloApp(o: { name: string; image: string; ports: { a: number; b: number } }): string {
  const server = (zone: 'a' | 'b') => `
    - name: http-${zone}
      type: capability
      properties:
        image: ${HTTP_SERVER}
      traits:
        - type: spreadscaler
          properties:
            instances: 1
            spread:
              - name: zone-${zone}
                requirements:
                  zone: ${zone}${serverLink(`listen-${zone}`, o.ports[zone])}`;
  return `${head(o.name, 'v1', o.image, 1)}${server('a')}${server('b')}
`;
}
