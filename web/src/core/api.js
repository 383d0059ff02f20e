// Owns the calls to /api/v1: the bearer key, query strings without empty parameters, errors with status.
import { state } from './state.js';

export class ApiError extends Error {
  constructor(status, msg) { super(msg); this.status = status; }
}

const auth = () => ({ Authorization: `Bearer ${state.key}` });
const query = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null));

// GET /api/v1/PATH?PARAMS as JSON; a non-2xx answer throws an ApiError with the server's message.
export async function api(path, params = {}) {
  const q = query(params);
  const res = await fetch(`/api/v1/${path}${q.toString() ? '?' + q : ''}`, { headers: auth() });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new ApiError(res.status, body.error || res.statusText);
  return body;
}

// POST /api/v1/PATH?PARAMS; answers { ok, body }.
export async function apiPost(path, params) {
  const res = await fetch(`/api/v1/${path}?${query(params)}`, { method: 'POST', headers: auth() });
  return { ok: res.ok, body: await res.json() };
}

// GET /api/v1/PATH?PARAMS as a Blob (CSV exports); answers { ok, blob } or { ok: false, error }.
export async function apiBlob(path, params) {
  const res = await fetch(`/api/v1/${path}?${query(params)}`, { headers: auth() });
  if (!res.ok) return { ok: false, error: (await res.json()).error };
  return { ok: true, blob: await res.blob() };
}
