/** The recovery page in German (formal "Sie"), key for key as ./en.ts. */
import type { Translation } from "./en";

export const de = {
  lang: "de",
  appName: "Kontowiederherstellung",
  language: "Sprache",
  noScript: "Diese Seite benötigt JavaScript, um Ihr Konto wiederherzustellen.",

  start: {
    title: "Ihr Konto wiederherstellen",
    intro:
      "Sie haben Ihr Telefon, Ihre Authenticator-App oder Ihren Sicherheitsschlüssel verloren? Sie erhalten wieder Zugang zu Ihrem Arbeitskonto, indem Sie sich mit einem Ausweisdokument ausweisen.",
    usernameLabel: "Ihr Arbeitskonto",
    usernameHint: "Die Adresse, mit der Sie sich anmelden, zum Beispiel name@firma.de",
    submit: "Weiter",
    starting: "Wird gestartet…",
    invalidUsername: "Geben Sie die Adresse ein, mit der Sie sich anmelden, zum Beispiel name@firma.de.",
    rateLimited: "Zu viele Versuche. Bitte versuchen Sie es in {duration} erneut.",
    unavailable:
      "Der Dienst ist gerade nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
  },

  explain: {
    title: "So geht es weiter",
    intro: "Es dauert etwa fünf Minuten. Halten Sie Folgendes bereit:",
    steps: [
      {
        title: "Ihr Ausweisdokument",
        body: "Einen Reisepass, Personalausweis oder Führerschein. Unser Verifizierungspartner fotografiert ihn.",
      },
      {
        title: "Ein Selfie",
        body: "Ein kurzes Live-Video oder Foto Ihres Gesichts, das mit dem Foto in Ihrem Dokument verglichen wird.",
      },
      {
        title: "Microsoft Authenticator auf Ihrem Telefon",
        body: "Der Partner legt dort einen verifizierten Nachweis ab. Diesen zeigen Sie uns anschließend mit einer kurzen Gesichtsprüfung.",
      },
    ],
    after:
      "Wenn alles übereinstimmt, entfernen wir Ihre alten Anmeldemethoden und geben Ihnen einen Temporary Access Pass, mit dem Sie neue einrichten.",
    checking: "Ihr Konto wird geprüft…",
    go: "Weiter zu {provider}",
    goGeneric: "Weiter zur Identitätsprüfung",
    providerNote: "Sie verlassen diese Seite und kehren hierher zurück, wenn Sie fertig sind.",
  },

  verifying: {
    title: "Warten auf das Ergebnis Ihrer Verifizierung",
    body: "Wir fragen das Ergebnis Ihrer Verifizierung bei unserem Partner ab. Das dauert meist weniger als eine Minute.",
    notDone: "Beim Partner nicht fertig geworden?",
    until: "Sie können bis {time} zum Partner zurückkehren.",
    goBack: "Zurück zur Identitätsprüfung",
    goBackEnd: ".",
    goingBack: "Ein neuer Link zum Partner wird geöffnet …",
    goBackFailed:
      "Wir konnten keinen neuen Link zum Partner öffnen. Versuchen Sie es gleich noch einmal, oder brechen Sie ab.",
  },

  present: {
    title: "Zeigen Sie Ihren verifizierten Nachweis",
    body: "Öffnen Sie Microsoft Authenticator auf Ihrem Telefon und scannen Sie diesen Code. Authenticator bittet Sie um ein Selfie und darum, Ihren verifizierten Nachweis mit uns zu teilen.",
    qrAlt: "QR-Code zum Scannen mit Microsoft Authenticator",
    sameDevice: "Auf diesem Telefon? Microsoft Authenticator öffnen",
    openWallet: "Microsoft Authenticator öffnen",
    expiresIn: "Diese Anfrage läuft in {remaining} ab.",
    expired: "Diese Anfrage ist abgelaufen. Eine neue wird vorbereitet…",
    opened: "Ihre Wallet hat die Anfrage geöffnet. Schließen Sie sie auf Ihrem Telefon ab.",
    noQr: "Öffnen Sie den folgenden Link auf dem Telefon, auf dem Microsoft Authenticator installiert ist.",
  },

  validating: {
    title: "Ihr verifizierter Nachweis wird geprüft",
    body: "Wir prüfen Ihren Nachweis und gleichen ihn mit Ihrem Konto ab. Bitte lassen Sie diese Seite geöffnet.",
  },

  tap: {
    title: "Ihr Konto ist wiederhergestellt",
    intro: "Melden Sie sich mit diesem Temporary Access Pass an und richten Sie neue Anmeldemethoden ein.",
    label: "Temporary Access Pass",
    onceWarning: "Er wird nur einmal angezeigt. Kopieren oder notieren Sie ihn jetzt.",
    copy: "Kopieren",
    copied: "In die Zwischenablage kopiert.",
    copyFailed: "Kopieren nicht möglich. Markieren Sie den Pass und kopieren Sie ihn selbst.",
    expiresIn: "Läuft in {remaining} ab.",
    expired: "Dieser Pass ist abgelaufen.",
    usableOnce: "Er gilt für eine Anmeldung.",
    usableMany: "Er gilt für mehrere Anmeldungen, bis er abläuft.",
    register: "Neue Anmeldemethoden einrichten",
    registerNote:
      "Öffnet „Meine Anmeldungen“. Dort melden Sie sich mit dem Pass an und fügen eine Authenticator-App oder einen Sicherheitsschlüssel hinzu.",
    done: "Ich habe ihn gespeichert",
    undecryptable:
      "Ihr Konto wurde wiederhergestellt, aber dieser Browser konnte Ihren Temporary Access Pass nicht öffnen. Wenden Sie sich für einen neuen an Ihren Helpdesk.",
  },

  recoveredEarlier: {
    title: "Ihr Konto ist wiederhergestellt",
    body: "Ihr Temporary Access Pass wurde bereits einmal angezeigt. Falls Sie ihn nicht gespeichert haben, wenden Sie sich für einen neuen an Ihren Helpdesk.",
  },

  done: {
    title: "Alles erledigt",
    body: "Melden Sie sich mit Ihrem Temporary Access Pass an und fügen Sie neue Anmeldemethoden hinzu, bevor er abläuft. Ist er vorher abgelaufen, wenden Sie sich an Ihren Helpdesk.",
    register: "Neue Anmeldemethoden einrichten",
  },

  evaluation: {
    title: "Ihre Identität wurde bestätigt",
    body: "Dieser Dienst läuft im Evaluierungsmodus: An Ihrem Konto wurde nichts geändert, und es wurde kein Temporary Access Pass ausgestellt.",
    next: "Ihr Administrator testet die Kontowiederherstellung. Wenden Sie sich an Ihren Helpdesk, um wieder Zugang zu erhalten.",
  },

  verification: {
    after:
      "Wenn alles übereinstimmt, sieht Ihr Helpdesk, dass Ihre Identität bestätigt wurde. An Ihrem Konto wird nichts geändert.",
    invalid: {
      title: "Dieser Bestätigungslink kann nicht verwendet werden",
      body: "Er wurde möglicherweise bereits verwendet oder ist abgelaufen. Links funktionieren nur einmal und nur kurze Zeit.",
      next: "Bitten Sie Ihren Helpdesk um einen neuen Link.",
    },
    verified: {
      title: "Ihre Identität wurde bestätigt",
      body: "Ihr Helpdesk sieht jetzt, dass Ihre Identität bestätigt wurde. An Ihrem Konto wurde nichts geändert.",
      next: "Sagen Sie der Person am Helpdesk, dass Sie fertig sind. Sie können diese Seite schließen.",
    },
    offer: {
      title: "Ihre Identität wurde bestätigt",
      body: "Ihr Helpdesk sieht jetzt, dass Ihre Identität bestätigt wurde. Sie können Ihr Konto jetzt auch wiederherstellen: Wir entfernen Ihre bisherigen Anmeldemethoden, melden Sie überall ab und zeigen Ihnen einen Temporary Access Pass an – hier, nur auf dieser Seite.",
      recover: "Mein Konto jetzt wiederherstellen",
      until: "Diese Auswahl läuft in {remaining} ab.",
      expired: "Diese Auswahl ist abgelaufen.",
      recovering: "Wird wiederhergestellt …",
      decline: "Wenn Sie nur nachweisen mussten, wer Sie sind, können Sie diese Seite schließen.",
    },
  },

  lost: {
    title: "Diese Wiederherstellung kann hier nicht fortgesetzt werden",
    body: "Diese Wiederherstellung wurde in einem anderen Browser oder Tab gestartet oder ist beendet. Zu Ihrer Sicherheit kann sie nur dort fortgesetzt werden, wo sie begonnen wurde.",
  },

  failures: {
    not_eligible: {
      title: "Dieses Konto kann hier nicht wiederhergestellt werden",
      body: "Die Selbstbedienungs-Wiederherstellung ist für dieses Konto nicht verfügbar.",
      next: "Wenden Sie sich an Ihren Helpdesk. Dort hilft man Ihnen, wieder Zugang zu erhalten.",
    },
    idv_declined: {
      title: "Ihre Identität konnte nicht bestätigt werden",
      body: "Unser Verifizierungspartner konnte Ihre Identität anhand Ihres Dokuments und Ihres Selfies nicht bestätigen.",
      next: "Versuchen Sie es erneut mit einem gültigen Reisepass, Personalausweis oder Führerschein, bei gutem Licht und mit vollständig sichtbarem Dokument.",
    },
    idv_timeout: {
      title: "Die Identitätsprüfung hat zu lange gedauert",
      body: "Wir haben von unserem Verifizierungspartner nicht rechtzeitig ein Ergebnis erhalten.",
      next: "Beginnen Sie erneut und schließen Sie die Verifizierung in einem Durchgang ab.",
    },
    idv_expired: {
      title: "Ihre Verifizierungssitzung ist abgelaufen",
      body: "Die Sitzung bei unserem Verifizierungspartner ist abgelaufen, bevor sie abgeschlossen war.",
      next: "Beginnen Sie erneut und schließen Sie die Verifizierung in einem Durchgang ab.",
    },
    idv_provider_error: {
      title: "Bei unserem Verifizierungspartner ist ein Fehler aufgetreten",
      body: "Die Verifizierung konnte wegen eines Fehlers bei unserem Partner nicht abgeschlossen werden.",
      next: "Versuchen Sie es in einigen Minuten erneut.",
    },
    idv_error: {
      title: "Die Identitätsprüfung konnte nicht starten",
      body: "Wir konnten keine Sitzung bei unserem Verifizierungspartner eröffnen.",
      next: "Versuchen Sie es in einigen Minuten erneut. Wenn es wieder passiert, wenden Sie sich an Ihren Helpdesk.",
    },
    presentation_timeout: {
      title: "Ihr verifizierter Nachweis wurde nicht rechtzeitig geteilt",
      body: "Wir haben Ihren verifizierten Nachweis aus Microsoft Authenticator nicht erhalten, bevor die Anfrage abgelaufen ist.",
      next: "Beginnen Sie erneut. Halten Sie Authenticator auf Ihrem Telefon geöffnet, wenn der QR-Code erscheint.",
    },
    presentation_rejected: {
      title: "Ihr verifizierter Nachweis wurde nicht geteilt",
      body: "Die Anfrage in Microsoft Authenticator wurde abgelehnt oder konnte nicht abgeschlossen werden.",
      next: "Beginnen Sie erneut und nehmen Sie die Anfrage in Authenticator an.",
    },
    face_check_failed: {
      title: "Ihr Gesicht stimmte nicht mit Ihrem Dokument überein",
      body: "Das in Microsoft Authenticator aufgenommene Selfie stimmte nicht ausreichend mit dem Foto in Ihrem Ausweisdokument überein.",
      next: "Versuchen Sie es erneut bei gutem, gleichmäßigem Licht, mit Blick in die Kamera, ohne Brille, Kopfbedeckung oder Maske.",
    },
    credential_invalid: {
      title: "Ihr verifizierter Nachweis kann nicht akzeptiert werden",
      body: "Der verifizierte Nachweis, den Sie geteilt haben, gehört nicht zu denen, die wir akzeptieren.",
      next: "Beginnen Sie erneut und teilen Sie den verifizierten Nachweis, den unser Partner bei dieser Wiederherstellung ausgestellt hat.",
    },
    credential_revoked: {
      title: "Ihr verifizierter Nachweis wurde widerrufen",
      body: "Der verifizierte Nachweis, den Sie geteilt haben, wurde von seinem Aussteller widerrufen.",
      next: "Beginnen Sie erneut, um Ihre Identität zu bestätigen und einen neuen zu erhalten.",
    },
    credential_expired: {
      title: "Ihr verifizierter Nachweis ist abgelaufen",
      body: "Der verifizierte Nachweis, den Sie geteilt haben, hat sein Ablaufdatum überschritten.",
      next: "Beginnen Sie erneut, um Ihre Identität zu bestätigen und einen neuen zu erhalten.",
    },
    credential_stale: {
      title: "Ihr verifizierter Nachweis stammt aus einer früheren Verifizierung",
      body: "Der verifizierte Nachweis, den Sie geteilt haben, wurde ausgestellt, bevor diese Wiederherstellung begann. Er zeigt also nicht, dass Sie Ihre Identität gerade eben bestätigt haben.",
      next: "Beginnen Sie erneut, schließen Sie die Verifizierung bei unserem Partner ab und teilen Sie den neuen verifizierten Nachweis, den er in Microsoft Authenticator ablegt.",
    },
    profile_mismatch: {
      title: "Ihr verifizierter Name passt nicht zu diesem Konto",
      body: "Der Name in Ihrem Ausweisdokument ist nicht der Name, der für dieses Konto hinterlegt ist.",
      next: "Prüfen Sie, ob Sie Ihr eigenes Arbeitskonto eingegeben haben. Wenn es Ihres ist, wenden Sie sich an Ihren Helpdesk, um Ihren Namen im Verzeichnis korrigieren zu lassen.",
    },
    profile_ambiguous: {
      title: "Ihr verifizierter Name passt zu mehr als einem Konto",
      body: "Der Name in Ihrem Ausweisdokument passt zu mehr als einem Konto in Ihrer Organisation, daher können wir nicht erkennen, welches Ihres ist.",
      next: "Wenden Sie sich an Ihren Helpdesk: Dort kann Ihr Konto auf anderem Weg bestätigt werden. An keinem Konto wurde etwas geändert.",
    },
    tap_policy_blocked: {
      title: "Wir konnten keinen Temporary Access Pass ausstellen",
      body: "Ihre Identität wurde bestätigt, aber die Einstellungen Ihrer Organisation erlauben für dieses Konto keinen Temporary Access Pass.",
      next: "Wenden Sie sich an Ihren Helpdesk. An Ihrem Konto wurde nichts geändert.",
    },
    directory_error: {
      title: "Wir konnten die Wiederherstellung nicht abschließen",
      body: "Ihre Identität wurde bestätigt, aber das Verzeichnis hat die Änderung nicht angenommen.",
      next: "Wenden Sie sich an Ihren Helpdesk und geben Sie an, dass die Kontowiederherstellung nicht abgeschlossen werden konnte.",
    },
    verified_id_error: {
      title: "Wir konnten Ihren verifizierten Nachweis nicht anfordern",
      body: "Die Anfrage für Microsoft Authenticator konnte nicht erstellt werden.",
      next: "Versuchen Sie es in einigen Minuten erneut. Wenn es wieder passiert, wenden Sie sich an Ihren Helpdesk.",
    },
    cancelled: {
      title: "Wiederherstellung abgebrochen",
      body: "An Ihrem Konto wurde nichts geändert.",
      next: "Sie können jederzeit erneut beginnen.",
    },
    superseded: {
      title: "Eine neuere Wiederherstellung hat diese ersetzt",
      body: "Für dieses Konto wurde in einem anderen Tab oder Browser erneut eine Wiederherstellung gestartet. An Ihrem Konto wurde nichts geändert.",
      next: "Fahren Sie dort fort, wo Sie sie erneut gestartet haben, oder beginnen Sie hier neu.",
    },
    internal_error: {
      title: "Etwas ist schiefgelaufen",
      body: "Die Wiederherstellung wurde wegen eines unerwarteten Fehlers auf unserer Seite beendet.",
      next: "Versuchen Sie es erneut. Wenn es wieder passiert, wenden Sie sich an Ihren Helpdesk.",
    },
  },

  unknownFailure: {
    title: "Die Wiederherstellung konnte nicht abgeschlossen werden",
    next: "Versuchen Sie es erneut. Wenn es wieder passiert, wenden Sie sich an Ihren Helpdesk.",
  },

  actions: {
    tryAgain: "Neu beginnen",
    cancel: "Wiederherstellung abbrechen",
    cancelling: "Wird abgebrochen…",
  },

  connection: {
    reconnecting: "Verbindung unterbrochen. Verbindung wird wiederhergestellt…",
    restored: "Verbindung wiederhergestellt.",
  },

  status: {
    pending: "Ihr Konto wird geprüft…",
    verifying_identity: "Warten auf die Identitätsprüfung.",
    awaiting_presentation: "Warten auf Ihren verifizierten Nachweis.",
    validating: "Ihr verifizierter Nachweis wird geprüft…",
  },
} as const satisfies Translation;
