/**
 * Imported first by the console: zod compiles object parsers with `new Function` unless told
 * not to, and the console's CSP (no 'unsafe-eval') would refuse it and report a violation.
 * zod reads the setting when a schema is built, so this runs before any schema module.
 */
import { z } from "zod";

z.config({ jitless: true });
