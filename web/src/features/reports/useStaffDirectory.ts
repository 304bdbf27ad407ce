import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useSignedIn } from '../../app/session';
import type { Role } from '../../shared/server';
import { shortRef } from '../../shared/server';

export interface StaffMember {
  id: string;
  name: string;
}

const cache: { key: string; members: StaffMember[] } = { key: '', members: [] };

/**
 * The people a report can be assigned to (active triagers and leads), from `GET /staff`, which
 * every staff member may read (names only, no addresses). Reporters get just themselves.
 */
export function useStaffDirectory(): { members: StaffMember[]; name: (id: string | null | undefined) => string } {
  const { user } = useSignedIn();
  const self: StaffMember = { id: user.id, name: user.name || user.email };
  const mayList = user.roles.some((r: Role) => r !== 'reporter');
  const [members, setMembers] = useState<StaffMember[]>(cache.key === user.id ? cache.members : [self]);

  useEffect(() => {
    if (!mayList || cache.key === user.id) return;
    const controller = new AbortController();
    api.get<{ items: { id: string; name: string }[] }>('/staff', undefined, { signal: controller.signal }).then(
      (page) => {
        const list = page.items.map((u) => ({ id: u.id, name: u.name }));
        cache.key = user.id;
        cache.members = list;
        setMembers(list);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [mayList, user.id]);

  const name = useCallback(
    (id: string | null | undefined) => {
      if (!id) return 'nobody';
      if (id === user.id) return 'you';
      return members.find((m) => m.id === id)?.name ?? `account ${shortRef(id)}`;
    },
    [members, user.id],
  );

  return { members, name };
}
