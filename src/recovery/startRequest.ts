/**
 * The fields a caller names when starting a flow (a recovery, a helpdesk verification's open) and
 * an agent names when asking for a verification, as zod schemas: one definition of what a
 * username, a country and a locale may be, shared by the HTTP handlers and the admin schemas
 * (which must not import a handler for it). The start body itself is src/functions/recoveryApi.ts
 * `startSchema`.
 */
import { z } from "zod";
import { isLanguageTag } from "./locale";

export const startRequestFields = {
  username: z
    .string()
    .trim()
    .min(3)
    .max(256)
    .regex(/^[^\s@]+@[^\s@]+$/, "must be a user principal name or email address")
    // JavaScript's \s misses NEL (U+0085) and the other C0/C1 controls; format characters
    // (bidi overrides, zero-width) and line/paragraph separators have no place in a name either.
    .refine((u) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u.test(u), {
      message: "must not contain control, format or separator characters",
    }),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "ISO 3166-1 alpha-2 country code")
    .transform((c) => c.toUpperCase())
    .optional(),
  // A well-formed tag we lack (`ko`) is no error: the language falls back (src/recovery/locale.ts).
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "BCP 47 language tag")
    .refine(isLanguageTag, { message: "BCP 47 language tag" })
    .optional(),
};
