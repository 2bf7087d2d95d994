import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUIDE, type GuideBlock } from "../../src/guide/content.js";
import { buildGuidePdf, createGuidePdfStore, isPdf } from "../../src/guide/pdf.js";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { normalise, pdfPages, pdfText } from "../support/pdf-text.js";

const logger = createLogger("silent", new Writable({ write: (_c, _e, done) => done() }));

describe("the Flare-Up Reset Guide PDF", () => {
  let bytes: Buffer;
  let text: string;
  beforeAll(async () => {
    bytes = await buildGuidePdf({ clinicName: "Harbour Spine Clinic" });
    text = await pdfText(bytes);
  });

  it("is a PDF of a few printable pages", async () => {
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pages = await pdfPages(bytes);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBeLessThanOrEqual(10);
  });

  it("holds the title, every section heading and the clinic's name", () => {
    expect(text).toContain(GUIDE.title);
    expect(text).toContain(normalise(GUIDE.subtitle));
    for (const section of GUIDE.sections) expect(text).toContain(normalise(section.heading));
    expect(text).toContain(GUIDE.redFlags.heading);
    expect(text).toContain(GUIDE.notes.heading);
    expect(text).toContain(normalise(GUIDE.disclaimer.heading));
    expect(text).toContain("Harbour Spine Clinic");
  });

  it("holds every red-flag item and its urgency (twice: on the cover and in its own section)", () => {
    const [emergency, sameDay] = GUIDE.redFlags.groups;
    expect(emergency!.title).toBe("Emergency care now");
    expect(emergency!.items.join(" ")).toMatch(/bladder or bowel control.*pass urine.*groin or saddle area.*genitals.*both legs/);
    expect(sameDay!.title).toBe("A clinician the same day");
    expect(sameDay!.items.join(" ")).toMatch(/weakness that keeps getting worse.*rapidly worsening/);
    for (const group of GUIDE.redFlags.groups) {
      for (const line of [group.title, ...group.items, group.action]) {
        expect(text.split(normalise(line)).length - 1, line).toBeGreaterThanOrEqual(2);
      }
    }
    expect(text).toContain("Don't wait for an appointment: call 911 or go to the nearest emergency department now.");
    expect(text).toContain(normalise(GUIDE.redFlags.why));
    expect(text).not.toMatch(/promptly/);
  });

  it("contrasts stable leg numbness with the red flags, where it lists the symptoms", () => {
    const symptoms = GUIDE.sections[0]!.blocks;
    const list = symptoms.findIndex((b) => b.kind === "list" && b.items.some((i) => /numbness/.test(i)));
    const next = symptoms[list + 1];
    // One leg (issue 27, item 8): symptoms in both legs are an emergency sign.
    expect(next?.kind === "paragraph" && next.text).toMatch(/^Numbness or tingling in part of one leg or foot/);
    expect(next?.kind === "paragraph" && next.text).toMatch(/both legs, or numbness in the groin, saddle area or genitals, are different: they need emergency care now/);
    expect(text).toMatch(/when it stays about the same, it is something to mention to your clinician rather than an emergency/);
  });

  it("keeps to the article's strength of claim, in US spelling", () => {
    const all = JSON.stringify(GUIDE);
    expect(all).not.toMatch(/backfire|rather than damage|easier on the nerve/i);
    expect(all).not.toMatch(/travell|towards|colour|behaviour|favour|centre|organis|whilst/i);
  });

  it("leaves the clinic's booking link and related reading out when unset", () => {
    expect(text).not.toContain(GUIDE.nextSteps.heading);
    expect(text).not.toContain(GUIDE.nextSteps.booking);
  });

  it("keeps the red flags on the cover page, and names the clinic's emergency number, phone and hours (issue 27)", async () => {
    expect(await pdfText(bytes, 1)).toContain(normalise("Don't wait for an appointment: call 911"));
    const care = { emergencyNumber: "999", clinicPhone: "(555) 010-0199", clinicHours: "Monday to Friday, 7:30 am to 7 pm; Saturday 9 am to 1 pm" };
    const withCare = await buildGuidePdf({ clinicName: "Harbour Spine Clinic", care });
    const cover = await pdfText(withCare, 1);
    expect(cover).toContain(normalise("Don't wait for an appointment: call 999 or go to the nearest emergency department now."));
    expect(cover).toContain(normalise("call us on (555) 010-0199"));
    expect(cover).toMatch(/Sciatica symptoms in both legs/);
    expect(await pdfText(withCare)).not.toContain("911");
  });

  it("puts Book an assessment and the related reading on the last page when set", async () => {
    const withLinks = await buildGuidePdf({
      clinicName: "Harbour Spine Clinic",
      bookingUrl: "https://harbour.example/book",
      reading: { loadCapacityUrl: "https://harbour.example/load-vs-capacity" },
    });
    const pages = await pdfPages(withLinks);
    const last = await pdfText(withLinks, pages);
    expect(last).toContain(`${GUIDE.nextSteps.booking}: https://harbour.example/book`);
    expect(last).toContain(normalise("For symptoms that are not settling — not for the urgent signs in this guide —"));
    expect(last).toContain("Load vs Capacity: Why Pain Flare-Ups Happen: https://harbour.example/load-vs-capacity");
    expect(last).not.toContain("Sciatica Starter Guide");
  });

  it("holds every block of content: the positions with their how-to, the FAQ answers, the disclaimer", () => {
    const blocks: GuideBlock[] = GUIDE.sections.flatMap((s) => [...s.blocks]);
    const positions = blocks.filter((b) => b.kind === "position");
    expect(positions.map((p) => p.name)).toEqual([
      "The 90–90 position",
      "Supported child's pose",
      "Side-lying with a pillow between the knees",
    ]);
    for (const block of blocks) {
      const strings =
        block.kind === "paragraph"
          ? [block.text]
          : block.kind === "list"
            ? [...block.items]
            : block.kind === "insight"
              ? [block.title, ...block.text]
              : block.kind === "position"
                ? [block.name, ...block.steps, block.note]
                : [block.question, ...block.answer];
      for (const s of strings) expect(text).toContain(normalise(s));
    }
    for (const line of GUIDE.disclaimer.paragraphs) expect(text).toContain(normalise(line));
    expect(text).toMatch(/not medical advice/);
  });

  it("speaks in the clinic's calm voice: no promises, no cures", () => {
    const all = JSON.stringify(GUIDE);
    expect(all).toMatch(/may help/);
    expect(all).not.toMatch(/\b(cure[sd]?|guarantee[sd]?|will (fix|heal|stop)|permanent(ly)? (fix|relief))\b/i);
  });
});

describe("the guide PDF store", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fur-guide-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("builds once however many readers ask at the same moment", async () => {
    const store = createGuidePdfStore({ clinicName: "Flare-Up Reset", pdfPath: undefined, logger });
    const results = await Promise.all([store.get(), store.get(), store.get()]);
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
    expect(await store.get()).toBe(results[0]);
    expect(results[0]!.source).toBe("built");
    expect(isPdf(results[0]!.bytes)).toBe(true);
  });

  it("serves the clinic's own PDF from GUIDE_PDF_PATH, byte for byte", async () => {
    const own = Buffer.from("%PDF-1.4\n% the clinic's own guide\n%%EOF\n");
    const file = path.join(dir, "own.pdf");
    await writeFile(file, own);
    const store = createGuidePdfStore({ clinicName: "x", pdfPath: file, logger });
    const pdf = await store.get();
    expect(pdf.source).toBe("file");
    expect(Buffer.compare(pdf.bytes, own)).toBe(0);
  });

  it("does not cache a failure: a file that appears later is served", async () => {
    const file = path.join(dir, "later.pdf");
    const store = createGuidePdfStore({ clinicName: "x", pdfPath: file, logger });
    await expect(store.get()).rejects.toThrow();
    await writeFile(file, "%PDF-1.7\n%%EOF\n");
    expect((await store.get()).source).toBe("file");
  });

  it("GUIDE_PDF_PATH must name a readable PDF, or start-up stops with one line naming it", async () => {
    const notPdf = path.join(dir, "notes.txt");
    await writeFile(notPdf, "hello");
    const pdf = path.join(dir, "ok.pdf");
    await writeFile(pdf, "%PDF-1.7\n%%EOF\n");
    expect(() => parseConfig({ GUIDE_PDF_PATH: notPdf })).toThrow(/^Invalid configuration: GUIDE_PDF_PATH must be the path of a readable PDF/);
    expect(() => parseConfig({ GUIDE_PDF_PATH: path.join(dir, "missing.pdf") })).toThrow(/GUIDE_PDF_PATH/);
    expect(parseConfig({ GUIDE_PDF_PATH: pdf }).guidePdfPath).toBe(pdf);
    expect(parseConfig({}).guidePdfPath).toBeUndefined();
  });
});
