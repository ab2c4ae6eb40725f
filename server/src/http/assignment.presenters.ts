import type { TeamMemberRow } from '../repositories/memberships.repository.ts';
import type { ChannelMember } from '../services/memberships.service.ts';
import type { PresenceState } from '../services/presence.service.ts';

/** API shapes of channel and team members and of presence. */

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentPresence(p: PresenceState & { displayName?: string }) {
  return {
    userId: p.userId,
    ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
    availability: p.availability,
    online: p.online,
    manualAvailability: p.manualAvailability,
  };
}

export function presentChannelMember(m: ChannelMember) {
  return {
    channelId: m.channelId,
    userId: m.userId,
    displayName: m.displayName,
    email: m.email,
    role: m.role,
    active: m.active,
    capacity: m.capacity,
    availability: m.presence.availability,
    online: m.presence.online,
    createdAt: iso(m.createdAt),
  };
}

export function presentTeamMember(m: TeamMemberRow) {
  return {
    teamId: m.teamId,
    userId: m.userId,
    displayName: m.displayName,
    email: m.email,
    role: m.role,
    active: m.active,
    createdAt: iso(m.createdAt),
  };
}
