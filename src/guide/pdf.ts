import { readFile } from "node:fs/promises";
import { createElement } from "react";
import type { Logger } from "../logger.js";
import type { CareContacts } from "../../emails/props.js";
import { guideContent } from "./content.js";
import type { GuideLinks } from "./document.js";

/** The PDF served at GET /guide/:token, with what the response headers need. */
export interface GuidePdf {
  bytes: Buffer;
  source: "built" | "file";
}

/**
 * Renders the guide from its content: the same content gives the same pages. react-pdf is loaded
 * here, on first use, not at start: the worker process never needs it (≈ 0.35 s and tens of MB).
 */
export async function buildGuidePdf(
  options: { clinicName: string; care?: CareContacts | undefined } & GuideLinks,
): Promise<Buffer> {
  const [{ renderToBuffer }, { GuideDocument }] = await Promise.all([
    import("@react-pdf/renderer"),
    import("./document.js"),
  ]);
  const element = createElement(GuideDocument, {
    content: guideContent(options.care),
    clinicName: options.clinicName,
    bookingUrl: options.bookingUrl,
    reading: options.reading,
  });
  // renderToBuffer's type asks for a <Document> element; GuideDocument returns exactly one.
  return renderToBuffer(element as Parameters<typeof renderToBuffer>[0]);
}

export function isPdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-";
}

export interface GuidePdfStore {
  /** The PDF, built (or read) once per process; concurrent first callers share one build. */
  get(): Promise<GuidePdf>;
  /** Starts the build in the background (at API start) so the first reader does not wait. */
  warm(): void;
}

export interface GuidePdfSettings extends GuideLinks {
  clinicName: string;
  /** EMERGENCY_NUMBER, CLINIC_PHONE, CLINIC_HOURS: the red flags say whom to call. */
  care?: CareContacts | undefined;
  /** GUIDE_PDF_PATH: the clinic's own PDF, served instead of the built one. */
  pdfPath: string | undefined;
  logger: Logger;
}

/**
 * Building takes a few hundred ms and never changes while the process runs: done once, kept in memory
 * (the PDF is ~20 KB). A failed build is not cached: the next request tries again.
 */
export function createGuidePdfStore(settings: GuidePdfSettings): GuidePdfStore {
  let pending: Promise<GuidePdf> | undefined;

  async function load(): Promise<GuidePdf> {
    const started = performance.now();
    let bytes: Buffer;
    let source: GuidePdf["source"];
    if (settings.pdfPath) {
      bytes = await readFile(settings.pdfPath);
      if (!isPdf(bytes)) throw new Error(`GUIDE_PDF_PATH does not point at a PDF file: ${settings.pdfPath}`);
      source = "file";
    } else {
      bytes = await buildGuidePdf(settings);
      source = "built";
    }
    const ms = Math.round(performance.now() - started);
    settings.logger.info({ source, bytes: bytes.length, ms }, "guide PDF ready");
    return { bytes, source };
  }

  function get(): Promise<GuidePdf> {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  }

  return {
    get,
    warm() {
      get().catch((error: unknown) => settings.logger.error({ err: error }, "building the guide PDF failed; will retry on the first download"));
    },
  };
}
