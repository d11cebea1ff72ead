/**
 * The words of the "this wasn't me" page (functions/repudiationPage), in one place so that
 * they can be translated with the notices. Plain text: the page escapes every value.
 */
export const repudiationText = {
  lang: "en",
  title: "Was this you?",
  invalidTitle: "This link cannot be used",
  invalidBody:
    "This link is not valid, has expired, or belongs to another recovery. Nothing was changed. If you think someone else recovered your account, contact your IT help desk.",
  openBody: (account: string, when: string) =>
    `The sign-in methods of the account ${account} were reset through self-service account recovery on ${when}.`,
  openAsk:
    "If this was not you, confirm below. We then delete the Temporary Access Pass and every sign-in method registered since the recovery, sign the account out everywhere, block self-service recovery of the account until your help desk clears it, and alert your IT administrators.",
  openIfYou: "If this was you, close this page: nothing changes.",
  confirm: "This wasn't me: undo the recovery",
  doneTitle: "The recovery was undone",
  doneBody:
    "The recovery was undone and self-service recovery of the account is blocked. Your IT administrators were alerted. Contact your IT help desk to get back into your account.",
  alreadyTitle: "This was already done",
  alreadyBody:
    "This recovery was already undone, and self-service recovery of the account is blocked. Contact your IT help desk to get back into your account.",
  refusedTitle: "This request was refused",
  refusedBody: "Open the link from your notice again and confirm on that page. Nothing was changed.",
  unavailableTitle: "Please try again",
  unavailableBody:
    "The recovery could not be undone completely just now: self-service recovery of the account is already blocked. Try again in a few minutes, or contact your IT help desk.",
} as const;
