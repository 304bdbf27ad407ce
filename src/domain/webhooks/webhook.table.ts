export type WebhookDeliveryState = 'pending' | 'failed' | 'delivered' | 'dead' | 'skipped';

export interface WebhookEndpointTable {
  id: string;
  name: string;
  url: string;
  /** JSON array of WebhookEventType. */
  events: string;
  /** The signing secret sealed with the master key: cvdesk must read it back to sign. */
  secret: string;
  active: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** One event for one endpoint: the body is fixed when the event happens and re-sent as is on retries. */
export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  /** pending: not tried yet; failed: the last attempt failed, a retry is due; dead: no more retries. */
  state: WebhookDeliveryState;
  attempts: number;
  max_attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

/** The delivery log: one row per attempt. */
export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  response_status: number | null;
  /** At most 2 KB of the response body. */
  response_body: string | null;
  error: string | null;
}
