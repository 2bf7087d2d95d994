/**
 * A subscriber's downloads within one such window count once (issue 17: 2,000 GETs of one link
 * counted 2,000 downloads). Long enough to fold a retried or double-clicked download, short
 * enough that reading the guide again another day counts. Applied when a person's fetch of the
 * guide settles (src/signals/signals.ts); a mail filter's fetches are not downloads at all.
 */
export const DOWNLOAD_WINDOW_SECONDS = 10 * 60;
