/** Host → provider control subjects on the rpc connection (reference wasmcloud-lattice-and-wash.md §4.2). */

const base = (lattice: string, providerId: string) => `wasmbus.rpc.${lattice}.${providerId}`;

export const providerSubjects = (lattice: string, providerId: string) => ({
  /** Request, empty payload; reply `{"healthy": bool, "message"?: string}`. */
  health: `${base(lattice, providerId)}.health`,
  /** Request `{"host_id": "N…"}`; the provider replies, then exits. */
  shutdown: `${base(lattice, providerId)}.default.shutdown`,
  /** Publish a resolved InterfaceLinkDefinition. */
  linkPut: `${base(lattice, providerId)}.linkdefs.put`,
  /** Publish the resolved link that went away. */
  linkDel: `${base(lattice, providerId)}.linkdefs.del`,
  /** Publish the provider's merged config map when one of its named configs changed. */
  configUpdate: `${base(lattice, providerId)}.config.update`,
});

export type ProviderSubjects = ReturnType<typeof providerSubjects>;
