/** Who is signed in (`me`), and what each role may open in the console. */
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { useGql } from './client';
import { useSession } from './session';

export const MeQuery = graphql(`
  query Me {
    me {
      kind
      name
      role
      user { id name login unit { id name } }
    }
  }
`);

export function useViewer() {
  const session = useSession();
  return useGql(MeQuery, {}, { enabled: !!session, staleTime: 5 * 60_000, retry: false });
}

/** The console's sections and the roles that see them (the API enforces the same rules on every call). */
export type Section = 'manager' | 'accounts' | 'imports' | 'committee' | 'finance';

const SECTIONS: Record<Section, readonly Role[]> = {
  manager: ['MANAGER'],
  accounts: ['ADMIN', 'COMMITTEE', 'MANAGER', 'FINANCE', 'ANALYST'],
  imports: ['ADMIN', 'MANAGER'],
  committee: ['COMMITTEE', 'ADMIN'],
  finance: ['FINANCE', 'COMMITTEE', 'ADMIN'],
};

export function canOpen(role: Role | undefined, section: Section): boolean {
  return !!role && SECTIONS[section].includes(role);
}

/** Where a role lands after signing in: its daily work. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'MANAGER':
      return '/manager';
    case 'COMMITTEE':
      return '/committee';
    case 'FINANCE':
      return '/finance';
    case 'ADMIN':
      return '/imports';
    default:
      return '/accounts';
  }
}

/** Writes a role may attempt (the buttons it is shown); the server decides each one again. */
export function canWrite(role: Role | undefined): boolean {
  return !!role && role !== 'ANALYST';
}
