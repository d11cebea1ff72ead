/**
 * Every word the reference recovery page shows, in English: the source every translation
 * (de.ts, fr.ts, … one file per language of src/recovery/locale.ts) copies key for key. The
 * page code holds no text of its own (a unit test checks); the failure screens are keyed by
 * the API's stable failure codes, so a code without a screen does not compile.
 *
 * Values are plain text; `{name}` is a placeholder the page fills in (numbers, times and
 * durations already formatted for the language with Intl). A translation has the type
 * `Translation`: a missing key, an extra key or a dropped placeholder is a compile error, and
 * tests/unit/page-strings.test.ts says the same per language. Adding a key here means adding
 * it to every language file.
 */
import type { FailureCode } from "../../recovery/status";

/** One failure screen: what happened, what to do next, and which way out it offers. */
export interface FailureScreen {
  title: string;
  body: string;
  next: string;
  /** "retry": starting again may work; "helpdesk": only a person can help now. */
  action: "retry" | "helpdesk";
}

export const en = {
  lang: "en",
  appName: "Account recovery",
  /** The language switcher's label (the languages are named in themselves: ./languages.ts). */
  language: "Language",
  noScript: "This page needs JavaScript to recover your account.",

  start: {
    title: "Recover your account",
    intro:
      "Lost your phone, authenticator app or security key? You can get back into your work account by proving who you are with an identity document.",
    usernameLabel: "Your work account",
    usernameHint: "The address you sign in with, for example name@company.com",
    submit: "Continue",
    starting: "Starting…",
    invalidUsername: "Enter the address you sign in with, for example name@company.com.",
    rateLimited: "Too many attempts. Try again in {duration}.",
    unavailable: "The service cannot be reached right now. Check your connection and try again.",
  },

  explain: {
    title: "Here is what will happen",
    intro: "It takes about five minutes. Have these ready:",
    steps: [
      {
        title: "Your identity document",
        body: "A passport, national ID card or driving licence. Our verification partner photographs it.",
      },
      {
        title: "A selfie",
        body: "A short live video or photo of your face, compared with the photo on your document.",
      },
      {
        title: "Microsoft Authenticator on your phone",
        body: "The partner puts a verified ID in it. You then show it to us with a quick face check.",
      },
    ],
    after:
      "When it all matches, we remove your old sign-in methods and give you a Temporary Access Pass to set up new ones.",
    checking: "Checking your account…",
    go: "Continue to {provider}",
    goGeneric: "Continue to identity verification",
    providerNote: "You will leave this page and come back here when you are done.",
  },

  verifying: {
    title: "Waiting for your verification result",
    body: "We are checking the result of your verification with our partner. This usually takes less than a minute.",
    notDone: "Did not finish at the partner?",
    until: "You can go back to the partner until {time}.",
    goBack: "Go back to identity verification",
    /** Ends the sentence the link above is (the link text carries no full stop of its own). */
    goBackEnd: ".",
    goingBack: "Opening a new link to the partner…",
    goBackFailed: "We could not open a new link to the partner. Try again in a moment, or cancel.",
  },

  present: {
    title: "Show your verified ID",
    body: "Open Microsoft Authenticator on your phone and scan this code. Authenticator asks you to take a selfie and share your verified ID with us.",
    qrAlt: "QR code to scan with Microsoft Authenticator",
    sameDevice: "On this phone? Open Microsoft Authenticator",
    openWallet: "Open Microsoft Authenticator",
    expiresIn: "This request expires in {remaining}.",
    expired: "This request expired. A new one is being prepared…",
    opened: "Your wallet opened the request. Complete it on your phone.",
    noQr: "Open the link below on the phone that has Microsoft Authenticator.",
  },

  validating: {
    title: "Checking your verified ID",
    body: "We are checking your credential and matching it with your account. Please keep this page open.",
  },

  tap: {
    title: "Your account is recovered",
    intro: "Use this Temporary Access Pass to sign in and set up new sign-in methods.",
    label: "Temporary Access Pass",
    onceWarning: "It is shown only once. Copy it or write it down now.",
    copy: "Copy",
    copied: "Copied to the clipboard.",
    copyFailed: "Could not copy. Select the pass and copy it yourself.",
    expiresIn: "Expires in {remaining}.",
    expired: "This pass has expired.",
    usableOnce: "It works for one sign-in.",
    usableMany: "It works for several sign-ins until it expires.",
    register: "Set up new sign-in methods",
    registerNote:
      "Opens My Sign-Ins, where you sign in with the pass and add an authenticator or security key.",
    done: "I have saved it",
    undecryptable:
      "Your account was recovered, but this browser could not open your Temporary Access Pass. Contact your helpdesk for a new one.",
  },

  recoveredEarlier: {
    title: "Your account is recovered",
    body: "Your Temporary Access Pass was shown once, earlier. If you did not save it, contact your helpdesk for a new one.",
  },

  done: {
    title: "You are all set",
    body: "Sign in with your Temporary Access Pass and add new sign-in methods before it expires. If it runs out first, contact your helpdesk.",
    register: "Set up new sign-in methods",
  },

  evaluation: {
    title: "Your identity was verified",
    body: "This service is running in evaluation mode: nothing was changed on your account and no Temporary Access Pass was issued.",
    next: "Your administrator is testing account recovery. Contact your helpdesk to regain access.",
  },

  /** A helpdesk verification, opened from the link the helpdesk gave or mailed (#verification=…). */
  verification: {
    after:
      "When it all matches, your helpdesk sees that your identity was verified. Nothing is changed on your account.",
    invalid: {
      title: "This verification link cannot be used",
      body: "It may have been used already, or it has expired. Links work once and only for a short time.",
      next: "Ask your helpdesk for a new link.",
    },
    verified: {
      title: "Your identity was verified",
      body: "Your helpdesk can now see that you were verified. Nothing was changed on your account.",
      next: "Tell the helpdesk agent you are done. You can close this page.",
    },
    offer: {
      title: "Your identity was verified",
      body: "Your helpdesk can now see that you were verified. You can also recover your account now: we remove your old sign-in methods, sign you out everywhere, and show you a Temporary Access Pass here, on this page only.",
      recover: "Recover my account now",
      until: "This choice expires in {remaining}.",
      expired: "This choice has expired.",
      recovering: "Recovering…",
      decline: "If you only needed to prove who you are, you can close this page.",
    },
  },

  lost: {
    title: "We cannot continue this recovery here",
    body: "This recovery was started in another browser or tab, or it has ended. For your security it can only continue where it started.",
  },

  failures: {
    not_eligible: {
      title: "This account cannot be recovered here",
      body: "Self-service recovery is not available for this account.",
      next: "Contact your helpdesk. They can help you get back in.",
      action: "helpdesk",
    },
    idv_declined: {
      title: "Your identity could not be verified",
      body: "Our verification partner could not confirm your identity from your document and selfie.",
      next: "Try again with a valid passport, national ID card or driving licence, in good light, with the whole document visible.",
      action: "retry",
    },
    idv_timeout: {
      title: "Identity verification took too long",
      body: "We did not receive a result from our verification partner in time.",
      next: "Start again and complete the verification in one go.",
      action: "retry",
    },
    idv_expired: {
      title: "Your verification session expired",
      body: "The session at our verification partner ran out before it was finished.",
      next: "Start again and complete the verification in one go.",
      action: "retry",
    },
    idv_provider_error: {
      title: "Our verification partner had a problem",
      body: "The verification could not be completed because of an error at our partner.",
      next: "Try again in a few minutes.",
      action: "retry",
    },
    idv_error: {
      title: "Identity verification could not start",
      body: "We could not open a session with our verification partner.",
      next: "Try again in a few minutes. If it keeps happening, contact your helpdesk.",
      action: "retry",
    },
    presentation_timeout: {
      title: "Your verified ID was not shared in time",
      body: "We did not receive your verified ID from Microsoft Authenticator before the request expired.",
      next: "Start again. Keep Authenticator open on your phone when you get to the QR code.",
      action: "retry",
    },
    presentation_rejected: {
      title: "Your verified ID was not shared",
      body: "The request in Microsoft Authenticator was declined or could not be completed.",
      next: "Start again and accept the request in Authenticator.",
      action: "retry",
    },
    face_check_failed: {
      title: "Your face did not match your document",
      body: "The selfie taken in Microsoft Authenticator did not match the photo on your identity document closely enough.",
      next: "Try again in good, even light, facing the camera, without glasses, hat or mask.",
      action: "retry",
    },
    credential_invalid: {
      title: "Your verified ID cannot be accepted",
      body: "The verified ID you shared is not one we accept.",
      next: "Start again and share the verified ID our partner issued during this recovery.",
      action: "retry",
    },
    credential_revoked: {
      title: "Your verified ID has been withdrawn",
      body: "The verified ID you shared was revoked by its issuer.",
      next: "Start again to verify your identity and get a new one.",
      action: "retry",
    },
    credential_expired: {
      title: "Your verified ID has expired",
      body: "The verified ID you shared is past its expiry date.",
      next: "Start again to verify your identity and get a new one.",
      action: "retry",
    },
    credential_stale: {
      title: "Your verified ID is from an earlier verification",
      body: "The verified ID you shared was issued before this recovery started, so it does not show that you verified your identity just now.",
      next: "Start again, complete the verification with our partner, and share the new verified ID it puts in Microsoft Authenticator.",
      action: "retry",
    },
    profile_mismatch: {
      title: "Your verified name does not match this account",
      body: "The name on your identity document is not the name recorded for this account.",
      next: "Check that you entered your own work account. If it is yours, contact your helpdesk to correct your name in the directory.",
      action: "helpdesk",
    },
    profile_ambiguous: {
      title: "Your verified name fits more than one account",
      body: "The name on your identity document matches more than one account in your organisation, so we cannot tell which one is yours.",
      next: "Contact your helpdesk: they can confirm your account another way. Nothing was changed on any account.",
      action: "helpdesk",
    },
    tap_policy_blocked: {
      title: "We could not issue a Temporary Access Pass",
      body: "Your identity was verified, but your organisation's settings do not allow a Temporary Access Pass for this account.",
      next: "Contact your helpdesk. Nothing was changed on your account.",
      action: "helpdesk",
    },
    directory_error: {
      title: "We could not finish the recovery",
      body: "Your identity was verified, but the directory did not accept the change.",
      next: "Contact your helpdesk and mention that account recovery could not finish.",
      action: "helpdesk",
    },
    verified_id_error: {
      title: "We could not ask for your verified ID",
      body: "The request for Microsoft Authenticator could not be created.",
      next: "Try again in a few minutes. If it keeps happening, contact your helpdesk.",
      action: "retry",
    },
    cancelled: {
      title: "Recovery cancelled",
      body: "Nothing was changed on your account.",
      next: "You can start again at any time.",
      action: "retry",
    },
    superseded: {
      title: "A newer recovery replaced this one",
      body: "Account recovery was started again for this account, in another tab or browser. Nothing was changed on your account.",
      next: "Continue where you started it again, or start again here.",
      action: "retry",
    },
    internal_error: {
      title: "Something went wrong",
      body: "The recovery stopped because of an unexpected error on our side.",
      next: "Try again. If it happens again, contact your helpdesk.",
      action: "helpdesk",
    },
  } satisfies Record<FailureCode, FailureScreen>,

  /** A failure the page has no screen for (a newer server): the server's own message is shown. */
  unknownFailure: {
    title: "The recovery could not be completed",
    next: "Try again. If it happens again, contact your helpdesk.",
  },

  actions: {
    tryAgain: "Start again",
    cancel: "Cancel recovery",
    cancelling: "Cancelling…",
  },

  connection: {
    reconnecting: "Connection lost. Reconnecting…",
    restored: "Connection restored.",
  },

  status: {
    pending: "Checking your account…",
    verifying_identity: "Waiting for identity verification.",
    awaiting_presentation: "Waiting for your verified ID.",
    validating: "Checking your verified ID…",
  },
} as const;

export type Strings = typeof en;

/** The placeholders of a text: `"in {remaining}."` → `"remaining"`. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Any text holding every placeholder of `S`. */
type TextLike<S extends string> = [Placeholders<S>] extends [never]
  ? string
  : Intersection<Placeholders<S> extends infer P extends string ? `${string}{${P}}${string}` : never>;

/**
 * What a translation of `T` must hold: every key of the English (no more), every placeholder of
 * each text, lists of the same length. A failure screen's `action` is behaviour, not text: it is
 * the English file's alone.
 */
export type Translation<T = Strings> = T extends string
  ? TextLike<T>
  : T extends readonly unknown[]
    ? { readonly [I in keyof T]: Translation<T[I]> }
    : { readonly [K in keyof T as K extends "action" ? never : K]: Translation<T[K]> };
