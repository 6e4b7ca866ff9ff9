import { randomInt } from 'node:crypto';
import { UserError } from '../errors.js';

export interface HostIdentity {
  /** nkey server public key: `N…`, 56 characters. This is the host id. */
  publicKey: string;
  /** The matching seed (`SN…`), to restart with the same id. */
  seed: string;
}

/** A fresh server key pair, or the one for `seed` (`--host-seed` / `WASMCLOUD_HOST_SEED`). */
export async function hostIdentity(seed?: string): Promise<HostIdentity> {
  const nkeys = await import('@nats-io/nkeys');
  if (seed === undefined || seed === '') {
    const kp = nkeys.createServer();
    return { publicKey: kp.getPublicKey(), seed: new TextDecoder().decode(kp.getSeed()) };
  }
  let publicKey: string;
  try {
    publicKey = nkeys.fromSeed(new TextEncoder().encode(seed.trim())).getPublicKey();
  } catch (cause) {
    throw new UserError('--host-seed is not a valid nkey seed', {
      cause,
      suggestion: 'use a server seed (it starts with SN), or omit it to get a random host id',
    });
  }
  if (!publicKey.startsWith('N')) {
    throw new UserError(`--host-seed must be a server nkey seed (SN…), got one for a '${publicKey[0]}' key`, {
      suggestion: 'generate one with `nk -gen server`, or omit it to get a random host id',
    });
  }
  return { publicKey, seed: seed.trim() };
}

const ADJECTIVES = [
  'ancient',
  'autumn',
  'billowing',
  'bitter',
  'black',
  'blue',
  'bold',
  'brave',
  'broad',
  'calm',
  'cold',
  'cool',
  'crimson',
  'curly',
  'damp',
  'dark',
  'dawn',
  'delicate',
  'divine',
  'dry',
  'empty',
  'falling',
  'fancy',
  'floral',
  'fragrant',
  'frosty',
  'gentle',
  'green',
  'hidden',
  'holy',
  'icy',
  'jolly',
  'late',
  'lingering',
  'little',
  'lively',
  'long',
  'lucky',
  'misty',
  'morning',
  'muddy',
  'nameless',
  'noisy',
  'old',
  'patient',
  'plain',
  'polished',
  'proud',
  'purple',
  'quiet',
  'rapid',
  'restless',
  'rough',
  'round',
  'royal',
  'shiny',
  'shy',
  'silent',
  'small',
  'snowy',
  'soft',
  'solitary',
  'sparkling',
  'spring',
  'square',
  'steep',
  'still',
  'summer',
  'super',
  'sweet',
  'tight',
  'tiny',
  'twilight',
  'wandering',
  'weathered',
  'white',
  'wild',
  'winter',
  'wispy',
  'withered',
  'young',
];
const NOUNS = [
  'bird',
  'breeze',
  'brook',
  'bush',
  'butterfly',
  'cherry',
  'cloud',
  'darkness',
  'dawn',
  'dew',
  'dream',
  'dust',
  'feather',
  'field',
  'fire',
  'firefly',
  'flower',
  'fog',
  'forest',
  'frog',
  'frost',
  'glade',
  'glitter',
  'grass',
  'haze',
  'hill',
  'lake',
  'leaf',
  'meadow',
  'moon',
  'morning',
  'mountain',
  'night',
  'paper',
  'pine',
  'pond',
  'rain',
  'resonance',
  'river',
  'sea',
  'shadow',
  'shape',
  'silence',
  'sky',
  'smoke',
  'snow',
  'snowflake',
  'sound',
  'star',
  'sun',
  'sunset',
  'surf',
  'thunder',
  'tree',
  'violet',
  'voice',
  'water',
  'waterfall',
  'wave',
  'wildflower',
  'wind',
  'wood',
];

/** `adjective-noun-NNNN`, like the names v1 hosts pick for themselves. */
export function friendlyName(pick: (n: number) => number = randomInt): string {
  const adjective = ADJECTIVES[pick(ADJECTIVES.length)];
  const noun = NOUNS[pick(NOUNS.length)];
  const number = String(pick(10_000)).padStart(4, '0');
  return `${adjective}-${noun}-${number}`;
}
