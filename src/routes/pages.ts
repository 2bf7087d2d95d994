import { Hono } from "hono";
import { embedPage, landingPage, thanksPage, valuesFromQuery } from "../pages/landing.js";
import type { PageSettings } from "../pages/layout.js";

/**
 * The reader's pages: GET / (landing and form), GET /embed (compact form for the article's iframe),
 * GET /thanks (what next). Query-string source/UTM fields go into the form: signups keep attribution.
 */
export function pageRoutes(settings: PageSettings) {
  return new Hono()
    .get("/", (c) => landingPage(c, settings, valuesFromQuery(c.req.query())))
    .get("/embed", (c) => embedPage(c, settings, valuesFromQuery(c.req.query(), "embed")))
    .get("/thanks", (c) => thanksPage(c, settings, c.req.query("embed") === "1"));
}
