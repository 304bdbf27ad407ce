import { api } from '../../api/client';
import type { Discovery, DiscoveryResult, Vendor, VendorContact, VendorInput, VendorSummary } from './types';

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;

/** The vendor directory and contact discovery (docs/vendors.md). */
export const vendorsApi = {
  list: (query: { q?: string; kind?: string; limit?: number; offset?: number }, signal?: Signal) => api.get<{ items: VendorSummary[]; total: number }>('/vendors', { ...query }, { signal }),
  get: (vendorId: string, signal?: Signal) => api.get<Vendor>(`/vendors/${id(vendorId)}`, undefined, { signal }),
  create: (input: VendorInput) => api.post<Vendor>('/vendors', input),
  update: (vendorId: string, changes: Partial<VendorInput> & { preferredContactId?: string | null }) => api.patch<Vendor>(`/vendors/${id(vendorId)}`, changes),
  remove: (vendorId: string) => api.delete<{ ok: true }>(`/vendors/${id(vendorId)}`),
  addContact: (vendorId: string, contact: { kind: string; value: string; note?: string }) => api.post<VendorContact>(`/vendors/${id(vendorId)}/contacts`, contact),
  updateContact: (vendorId: string, contactId: string, changes: { status?: string; note?: string }) => api.patch<VendorContact>(`/vendors/${id(vendorId)}/contacts/${id(contactId)}`, changes),
  removeContact: (vendorId: string, contactId: string) => api.delete<{ ok: true }>(`/vendors/${id(vendorId)}/contacts/${id(contactId)}`),
  addKey: (vendorId: string, armored: string) => api.post<{ id: string; fingerprint: string }>(`/vendors/${id(vendorId)}/keys`, { armored }),
  removeKey: (vendorId: string, keyId: string) => api.delete<{ ok: true }>(`/vendors/${id(vendorId)}/keys/${id(keyId)}`),
  discover: (vendorId: string, target?: string) => api.post<Discovery>(`/vendors/${id(vendorId)}/discover`, target ? { target } : {}),
  discoveries: (vendorId: string, signal?: Signal) => api.get<{ items: Discovery[] }>(`/vendors/${id(vendorId)}/discoveries`, undefined, { signal }),
  adopt: (vendorId: string, discoveryId: string, channel: number) => api.post<VendorContact>(`/vendors/${id(vendorId)}/discoveries/${id(discoveryId)}/adopt`, { channel }),
  discoverNow: (target: string) => api.post<DiscoveryResult>('/discovery', { target }),
};
