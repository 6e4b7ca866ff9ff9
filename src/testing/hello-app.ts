/**
 * (Shared by tests and bench/, so it lives outside test/; not part of the library's exports.)
 * The manifest the end-to-end tests and benchmarks deploy: a component behind the built-in http-server.
 */

/** The hello app: `hello` (a spreadscaler of `instances`) linked from the built-in http-server on `port`. */
export function helloApp(o: {
  name: string;
  port: number;
  image: string;
  version?: string;
  instances?: number;
}): string {
  return `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${o.name}
  annotations:
    version: ${o.version ?? 'v1'}
spec:
  components:
    - name: hello
      type: component
      properties:
        image: ${o.image}
      traits:
        - type: spreadscaler
          properties:
            instances: ${o.instances ?? 1}
    - name: httpserver
      type: capability
      properties:
        image: ghcr.io/wasmcloud/http-server:0.24.0
      traits:
        - type: link
          properties:
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            target:
              name: hello
            source:
              config:
                - name: listen
                  properties:
                    address: 127.0.0.1:${o.port}
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
        image: ghcr.io/wasmcloud/http-server:0.24.0
      traits:
        - type: spreadscaler
          properties:
            instances: 1
            spread:
              - name: zone-${zone}
                requirements:
                  zone: ${zone}
        - type: link
          properties:
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            target:
              name: hello
            source:
              config:
                - name: listen-${zone}
                  properties:
                    address: 127.0.0.1:${o.ports[zone]}`;
  return `
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: ${o.name}
  annotations:
    version: v1
spec:
  components:
    - name: hello
      type: component
      properties:
        image: ${o.image}
      traits:
        - type: spreadscaler
          properties:
            instances: 1
${server('a')}
${server('b')}
`;
}
