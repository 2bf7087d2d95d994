import { Hono } from "hono";
import { embedPage, landingPage, thanksPage, valuesFromQuery } from "../pages/landing.js";
import type { PageSettings } from "../pages/layout.js";

/**
 * The reader's pages: GET / (the landing page and its form), GET /embed (the compact form for an
 * iframe on the clinic's article page), GET /thanks (what happens next). Source and UTM fields
 * in the query string are carried into the form, so a signup keeps its attribution.
 */
export function pageRoutes(settings: PageSettings) {
  return new Hono()
    .get("/", (c) => landingPage(c, settings, valuesFromQuery(c.req.query())))
    .get("/embed", (c) => embedPage(c, settings, valuesFromQuery(c.req.query(), "embed")))
    .get("/thanks", (c) => thanksPage(c, settings, c.req.query("embed") === "1"));
}
