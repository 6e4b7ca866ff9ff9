import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.js';
import { WashCommand } from '../output/command.js';
import { registryLoginFlags } from './push.js';

/** `oci://…`, or `host.name[:port]/…` / `localhost[:port]/…` that is not a path (no leading . / ~, no .wasm suffix). */
function looksLikeRegistryRef(arg: string, isOci: (ref: string) => boolean): boolean {
  if (arg.startsWith('oci://')) return true;
  if (/^[./~]/.test(arg) || arg.endsWith('.wasm') || !isOci(arg)) return false;
  const first = arg.split('/')[0];
  return arg.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

export default class Inspect extends WashCommand {
  static override summary =
    "List a component's imports and exports (versioned WIT names), its WIT world and embedded claims";
  static override description =
    'Reads a local .wasm component, or pulls one from an OCI registry when the argument is a registry reference (oci://… or registry/repo:tag; no such local file). Embedded wasmCloud claims (signed components) are validated as upstream does: the Ed25519 signature of the issuer, the module hash and the validity window; problems are shown and warned about. Core modules and pre-1.0 component encodings are reported as such.';
  static override examples = [
    '<%= config.bin %> inspect build/http_hello_s.wasm',
    '<%= config.bin %> inspect build/http_hello_s.wasm --wit',
    '<%= config.bin %> inspect build/http_hello_s.wasm -o json',
    '<%= config.bin %> inspect build/http_hello_s.wasm --world -o json',
    '<%= config.bin %> inspect build/http_hello_s.wasm --jwt-only',
    '<%= config.bin %> inspect ghcr.io/wasmcloud/components/http-hello-world-rust:0.1.0',
    '<%= config.bin %> inspect oci://127.0.0.1:5001/wash/hello:0.1.0 --insecure -o json',
  ];

  static override args = {
    component: Args.string({
      description: 'Path of the component (.wasm) to inspect, or an OCI reference',
      required: true,
    }),
  };

  static override flags = {
    wit: Flags.boolean({
      description: 'Print the full WIT world of the component',
      aliases: ['world'],
      default: false,
    }),
    'jwt-only': Flags.boolean({
      description: 'Print only the embedded claims token (JWT)',
      default: false,
      exclusive: ['wit'],
    }),
    ...registryLoginFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Inspect);
    const component = await import('../component/index.js');
    // A registry reference (not an existing file) is pulled into the digest cache and inspected from there.
    const { existsSync } = await import('node:fs');
    if (!existsSync(args.component)) {
      const { isOciReference } = await import('../oci/reference.js');
      if (looksLikeRegistryRef(args.component, isOciReference)) {
        const { pullForInspect } = await import('../oci/transfer.js');
        args.component = await pullForInspect(args.component, flags);
      }
    }
    if (flags['jwt-only']) {
      const bytes = await component.readWasmFile(args.component);
      let claims: ReturnType<typeof component.readClaims>;
      try {
        claims = component.readClaims(bytes);
      } catch (err) {
        throw new UserError(`${args.component}: ${(err as Error).message}`, { cause: err });
      }
      if (!claims) {
        throw new UserError(`${args.component} carries no embedded claims (it is not signed)`, {
          suggestion: 'Sign it with `wash build` (or inspect it without --jwt-only)',
        });
      }
      this.warnAboutClaims(component.claimsWarning(claims, args.component));
      this.emit({ token: claims.token }, claims.token);
      return;
    }
    const result = await component.inspectComponent(args.component);
    if (result.claims) this.warnAboutClaims(component.claimsWarning(result.claims, args.component));
    else if (result.claimsError)
      this.warnAboutClaims(`${args.component}: its embedded claims are not usable: ${result.claimsError}`);
    this.emit(component.inspectDocument(result, { wit: flags.wit }), () =>
      flags.wit ? result.wit : component.inspectText(result, args.component),
    );
  }

  private warnAboutClaims(warning: string | undefined): void {
    if (warning) this.note(`warning: ${warning}`);
  }
}
