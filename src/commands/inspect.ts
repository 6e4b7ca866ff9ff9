import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { UserError } from '../errors.js';
import { WashCommand } from '../output/command.js';

export default class Inspect extends WashCommand {
  static override summary = "List a component's imports and exports (versioned WIT names), its WIT world and embedded claims";
  static override description =
    'Reads a local .wasm component. Embedded wasmCloud claims (signed components) are decoded but their signature is not verified. Core modules and pre-1.0 component encodings are reported as such.';
  static override examples = [
    '<%= config.bin %> inspect build/http_hello_s.wasm',
    '<%= config.bin %> inspect build/http_hello_s.wasm --wit',
    '<%= config.bin %> inspect build/http_hello_s.wasm -o json',
    '<%= config.bin %> inspect build/http_hello_s.wasm --world -o json',
    '<%= config.bin %> inspect build/http_hello_s.wasm --jwt-only',
  ];

  static override args = {
    component: Args.string({ description: 'Path of the component (.wasm) to inspect', required: true }),
  };

  static override flags = {
    wit: Flags.boolean({ description: 'Print the full WIT world of the component', aliases: ['world'], default: false }),
    'jwt-only': Flags.boolean({ description: 'Print only the embedded claims token (JWT)', default: false, exclusive: ['wit'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Inspect);
    const component = await import('../component/index.js');
    if (flags['jwt-only']) {
      const bytes = await component.readWasmFile(args.component);
      const claims = component.readClaims(bytes);
      if (!claims) {
        throw new UserError(`${args.component} carries no embedded claims (it is not signed)`, {
          suggestion: 'Sign it with `wash build` (or inspect it without --jwt-only)',
        });
      }
      this.emit({ token: claims.token }, claims.token);
      return;
    }
    const result = await component.inspectComponent(args.component);
    this.emit(component.inspectDocument(result, { wit: flags.wit }), () =>
      flags.wit ? result.wit : component.inspectText(result, args.component),
    );
  }
}
