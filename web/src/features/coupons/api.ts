import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import type { CampaignJson } from './campaign-form.ts';

/** A campaign as the API answers it (server/src/http/routes/coupons.presenters.ts). */
export interface Campaign extends CampaignJson {
  id: string;
  builtinKey: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CouponStatus = 'active' | 'redeemed' | 'revoked' | 'expired';
export const COUPON_STATUSES: CouponStatus[] = ['active', 'redeemed', 'expired', 'revoked'];

export interface Coupon {
  id: string;
  code: string;
  campaignId: string;
  contactId: string;
  status: CouponStatus;
  uses: number;
  validFrom: string | null;
  validUntil: string | null;
  source: string;
  sourceRef: string | null;
  delivery: { status: string; channel: string | null; error: string | null; deliveredAt: string | null };
  createdAt: string;
}

export interface Redemption {
  id: string;
  redeemedAt: string;
  redeemedBy: { type: string; id: string | null; name: string };
  amount: number | null;
  location: string | null;
}

interface Conversion {
  issued: number;
  redeemed: number;
  conversion: number;
}

export interface CouponStats {
  from: string;
  to: string;
  timezone: string;
  totals: Conversion & { redemptions: number };
  sources: Array<Conversion & { source: string }>;
  staff: Array<{ key: string; name: string; redemptions: number; amount: number }>;
  locations: Array<{ location: string | null; redemptions: number; amount: number }>;
  days: Array<{ day: string; issued: number; redemptions: number }>;
}

export interface Validation {
  valid: boolean;
  reason: string | null;
  coupon: Coupon;
  campaign: Campaign;
  contactName: string | null;
}

export function useCampaigns() {
  return useQuery({
    queryKey: ['coupon-campaigns'],
    queryFn: () => api<{ data: Campaign[] }>('/api/v1/coupon-campaigns').then((p) => p.data),
  });
}

export function useCampaign(id: string) {
  return useQuery({
    queryKey: ['coupon-campaigns', id],
    queryFn: () => api<Campaign>(`/api/v1/coupon-campaigns/${id}`),
  });
}

/** Creates (no id) or changes a campaign. */
export function useSaveCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: Partial<CampaignJson> }) =>
      id
        ? api<Campaign>(`/api/v1/coupon-campaigns/${id}`, { method: 'PATCH', body })
        : api<Campaign>('/api/v1/coupon-campaigns', { method: 'POST', body }),
    onSuccess: (saved) => {
      qc.setQueryData(['coupon-campaigns', saved.id], saved);
      return qc.invalidateQueries({ queryKey: ['coupon-campaigns'], exact: true });
    },
  });
}

/** The last 30 days of a campaign, days counted in `timezone`. */
export function useCampaignStats(id: string, timezone: string) {
  return useQuery({
    queryKey: ['coupon-campaigns', id, 'stats', timezone],
    queryFn: () => api<CouponStats>(`/api/v1/coupon-campaigns/${id}/stats${query({ timezone })}`),
  });
}

export function useIssueToContact(campaignId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { contactId: string; deliver: boolean }) =>
      api<Coupon>(`/api/v1/coupon-campaigns/${campaignId}/issue`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['coupons'] }),
  });
}

export function useIssueToSegment(campaignId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (segmentId: string) =>
      api<{ batchId: string; issued: number }>(`/api/v1/coupon-campaigns/${campaignId}/issue`, {
        method: 'POST',
        body: { segmentId },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['coupons'] }),
  });
}

export function useCoupons(campaignId: string, status: CouponStatus | '', cursor: string | null) {
  return useQuery({
    queryKey: ['coupons', campaignId, status, cursor],
    queryFn: () => api<Page<Coupon>>(`/api/v1/coupons${query({ campaignId, status, cursor, limit: 25 })}`),
    placeholderData: keepPreviousData,
  });
}

export function useValidateCode() {
  return useMutation({
    mutationFn: (code: string) =>
      api<Validation>('/api/v1/coupons/validate', { method: 'POST', body: { code } }),
  });
}

export function useRedeemCode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; amount?: number | null; location?: string | null }) =>
      api<{ coupon: Coupon; redemption: Redemption }>('/api/v1/coupons/redeem', { method: 'POST', body }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['coupons'] });
      return qc.invalidateQueries({ queryKey: ['coupon-campaigns'] });
    },
  });
}

export function useSegmentOptions() {
  return useQuery({
    queryKey: ['coupon-options', 'segments'],
    queryFn: () => api<{ data: Array<{ id: string; name: string }> }>('/api/v1/segments').then((p) => p.data),
    staleTime: 60_000,
    retry: false,
  });
}
