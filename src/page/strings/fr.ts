/** The recovery page in French (vouvoiement), key for key as ./en.ts. */
import type { Translation } from "./en";

export const fr = {
  lang: "fr",
  appName: "Récupération de compte",
  language: "Langue",
  noScript: "Cette page a besoin de JavaScript pour récupérer votre compte.",

  start: {
    title: "Récupérer votre compte",
    intro:
      "Vous avez perdu votre téléphone, votre application d’authentification ou votre clé de sécurité ? Vous pouvez retrouver l’accès à votre compte professionnel en prouvant votre identité avec une pièce d’identité.",
    usernameLabel: "Votre compte professionnel",
    usernameHint: "L’adresse avec laquelle vous vous connectez, par exemple nom@entreprise.fr",
    submit: "Continuer",
    starting: "Démarrage…",
    invalidUsername: "Saisissez l’adresse avec laquelle vous vous connectez, par exemple nom@entreprise.fr.",
    rateLimited: "Trop de tentatives. Réessayez dans {duration}.",
    unavailable: "Le service est injoignable pour le moment. Vérifiez votre connexion et réessayez.",
  },

  explain: {
    title: "Voici comment cela va se passer",
    intro: "Cela prend environ cinq minutes. Préparez :",
    steps: [
      {
        title: "Votre pièce d’identité",
        body: "Un passeport, une carte nationale d’identité ou un permis de conduire. Notre partenaire de vérification la photographie.",
      },
      {
        title: "Un selfie",
        body: "Une courte vidéo ou photo de votre visage prise en direct, comparée à la photo de votre pièce d’identité.",
      },
      {
        title: "Microsoft Authenticator sur votre téléphone",
        body: "Le partenaire y dépose une identité vérifiée. Vous nous la présentez ensuite avec une rapide vérification faciale.",
      },
    ],
    after:
      "Si tout concorde, nous supprimons vos anciennes méthodes de connexion et vous remettons un Temporary Access Pass pour en configurer de nouvelles.",
    checking: "Vérification de votre compte…",
    go: "Continuer vers {provider}",
    goGeneric: "Continuer vers la vérification d’identité",
    providerNote: "Vous allez quitter cette page et y reviendrez une fois terminé.",
  },

  verifying: {
    title: "En attente du résultat de votre vérification",
    body: "Nous consultons le résultat de votre vérification auprès de notre partenaire. Cela prend généralement moins d’une minute.",
    notDone: "Vous n’avez pas terminé chez le partenaire ?",
    until: "Vous pouvez retourner chez le partenaire jusqu’à {time}.",
    goBack: "Retourner à la vérification d’identité",
    goBackEnd: ".",
    goingBack: "Ouverture d’un nouveau lien vers le partenaire…",
    goBackFailed:
      "Nous n’avons pas pu ouvrir un nouveau lien vers le partenaire. Réessayez dans un instant ou annulez.",
  },

  present: {
    title: "Présentez votre identité vérifiée",
    body: "Ouvrez Microsoft Authenticator sur votre téléphone et scannez ce code. Authenticator vous demandera de prendre un selfie et de partager votre identité vérifiée avec nous.",
    qrAlt: "Code QR à scanner avec Microsoft Authenticator",
    sameDevice: "Sur ce téléphone ? Ouvrir Microsoft Authenticator",
    openWallet: "Ouvrir Microsoft Authenticator",
    expiresIn: "Cette demande expire dans {remaining}.",
    expired: "Cette demande a expiré. Une nouvelle demande est en préparation…",
    opened: "Votre portefeuille a ouvert la demande. Terminez-la sur votre téléphone.",
    noQr: "Ouvrez le lien ci-dessous sur le téléphone où Microsoft Authenticator est installé.",
  },

  validating: {
    title: "Vérification de votre identité vérifiée",
    body: "Nous vérifions votre justificatif et le rapprochons de votre compte. Veuillez garder cette page ouverte.",
  },

  tap: {
    title: "Votre compte est récupéré",
    intro:
      "Utilisez ce Temporary Access Pass pour vous connecter et configurer de nouvelles méthodes de connexion.",
    label: "Temporary Access Pass",
    onceWarning: "Il ne s’affiche qu’une seule fois. Copiez-le ou notez-le maintenant.",
    copy: "Copier",
    copied: "Copié dans le presse-papiers.",
    copyFailed: "Copie impossible. Sélectionnez le pass et copiez-le vous-même.",
    expiresIn: "Expire dans {remaining}.",
    expired: "Ce pass a expiré.",
    usableOnce: "Il permet une seule connexion.",
    usableMany: "Il permet plusieurs connexions jusqu’à son expiration.",
    register: "Configurer de nouvelles méthodes de connexion",
    registerNote:
      "Ouvre Mes connexions, où vous vous connectez avec le pass et ajoutez une application d’authentification ou une clé de sécurité.",
    done: "Je l’ai enregistré",
    undecryptable:
      "Votre compte a été récupéré, mais ce navigateur n’a pas pu ouvrir votre Temporary Access Pass. Contactez votre support informatique pour en obtenir un nouveau.",
  },

  recoveredEarlier: {
    title: "Votre compte est récupéré",
    body: "Votre Temporary Access Pass a déjà été affiché une fois. Si vous ne l’avez pas enregistré, contactez votre support informatique pour en obtenir un nouveau.",
  },

  done: {
    title: "Tout est prêt",
    body: "Connectez-vous avec votre Temporary Access Pass et ajoutez de nouvelles méthodes de connexion avant qu’il n’expire. S’il expire avant, contactez votre support informatique.",
    register: "Configurer de nouvelles méthodes de connexion",
  },

  evaluation: {
    title: "Votre identité a été vérifiée",
    body: "Ce service fonctionne en mode évaluation : rien n’a été modifié sur votre compte et aucun Temporary Access Pass n’a été émis.",
    next: "Votre administrateur teste la récupération de compte. Contactez votre support informatique pour retrouver l’accès.",
  },

  verification: {
    after:
      "Si tout correspond, votre support informatique voit que votre identité a été vérifiée. Rien n’est modifié sur votre compte.",
    invalid: {
      title: "Ce lien de vérification ne peut pas être utilisé",
      body: "Il a peut-être déjà été utilisé, ou il a expiré. Les liens ne fonctionnent qu’une fois et pendant peu de temps.",
      next: "Demandez un nouveau lien à votre support informatique.",
    },
    verified: {
      title: "Votre identité a été vérifiée",
      body: "Votre support informatique voit maintenant que votre identité a été vérifiée. Rien n’a été modifié sur votre compte.",
      next: "Dites à la personne du support que vous avez terminé. Vous pouvez fermer cette page.",
    },
    offer: {
      title: "Votre identité a été vérifiée",
      body: "Votre support informatique voit maintenant que votre identité a été vérifiée. Vous pouvez aussi récupérer votre compte dès maintenant : nous supprimons vos anciennes méthodes de connexion, vous déconnectons partout et vous affichons un Temporary Access Pass ici, sur cette page uniquement.",
      recover: "Récupérer mon compte maintenant",
      until: "Ce choix expire dans {remaining}.",
      expired: "Ce choix a expiré.",
      recovering: "Récupération…",
      decline: "Si vous deviez seulement prouver votre identité, vous pouvez fermer cette page.",
    },
  },

  lost: {
    title: "Impossible de poursuivre cette récupération ici",
    body: "Cette récupération a été lancée dans un autre navigateur ou onglet, ou elle est terminée. Pour votre sécurité, elle ne peut se poursuivre que là où elle a commencé.",
  },

  failures: {
    not_eligible: {
      title: "Ce compte ne peut pas être récupéré ici",
      body: "La récupération en libre-service n’est pas disponible pour ce compte.",
      next: "Contactez votre support informatique. Il pourra vous aider à retrouver l’accès.",
    },
    idv_declined: {
      title: "Votre identité n’a pas pu être vérifiée",
      body: "Notre partenaire de vérification n’a pas pu confirmer votre identité à partir de votre pièce d’identité et de votre selfie.",
      next: "Réessayez avec un passeport, une carte nationale d’identité ou un permis de conduire valide, sous un bon éclairage, le document entièrement visible.",
    },
    idv_timeout: {
      title: "La vérification d’identité a pris trop de temps",
      body: "Nous n’avons pas reçu à temps le résultat de notre partenaire de vérification.",
      next: "Recommencez et effectuez la vérification d’une seule traite.",
    },
    idv_expired: {
      title: "Votre session de vérification a expiré",
      body: "La session chez notre partenaire de vérification a expiré avant d’être terminée.",
      next: "Recommencez et effectuez la vérification d’une seule traite.",
    },
    idv_provider_error: {
      title: "Notre partenaire de vérification a rencontré un problème",
      body: "La vérification n’a pas pu aboutir en raison d’une erreur chez notre partenaire.",
      next: "Réessayez dans quelques minutes.",
    },
    idv_error: {
      title: "La vérification d’identité n’a pas pu démarrer",
      body: "Nous n’avons pas pu ouvrir de session chez notre partenaire de vérification.",
      next: "Réessayez dans quelques minutes. Si le problème persiste, contactez votre support informatique.",
    },
    presentation_timeout: {
      title: "Votre identité vérifiée n’a pas été partagée à temps",
      body: "Nous n’avons pas reçu votre identité vérifiée depuis Microsoft Authenticator avant l’expiration de la demande.",
      next: "Recommencez. Gardez Authenticator ouvert sur votre téléphone lorsque vous arrivez au code QR.",
    },
    presentation_rejected: {
      title: "Votre identité vérifiée n’a pas été partagée",
      body: "La demande dans Microsoft Authenticator a été refusée ou n’a pas pu aboutir.",
      next: "Recommencez et acceptez la demande dans Authenticator.",
    },
    face_check_failed: {
      title: "Votre visage ne correspond pas à votre pièce d’identité",
      body: "Le selfie pris dans Microsoft Authenticator ne correspondait pas suffisamment à la photo de votre pièce d’identité.",
      next: "Réessayez sous une lumière bonne et uniforme, face à la caméra, sans lunettes, chapeau ni masque.",
    },
    credential_invalid: {
      title: "Votre identité vérifiée ne peut pas être acceptée",
      body: "L’identité vérifiée que vous avez partagée ne fait pas partie de celles que nous acceptons.",
      next: "Recommencez et partagez l’identité vérifiée émise par notre partenaire au cours de cette récupération.",
    },
    credential_revoked: {
      title: "Votre identité vérifiée a été révoquée",
      body: "L’identité vérifiée que vous avez partagée a été révoquée par son émetteur.",
      next: "Recommencez pour vérifier votre identité et en obtenir une nouvelle.",
    },
    credential_expired: {
      title: "Votre identité vérifiée a expiré",
      body: "L’identité vérifiée que vous avez partagée a dépassé sa date d’expiration.",
      next: "Recommencez pour vérifier votre identité et en obtenir une nouvelle.",
    },
    credential_stale: {
      title: "Votre identité vérifiée provient d’une vérification antérieure",
      body: "L’identité vérifiée que vous avez partagée a été émise avant le début de cette récupération : elle ne montre donc pas que vous venez de vérifier votre identité.",
      next: "Recommencez, terminez la vérification chez notre partenaire et partagez la nouvelle identité vérifiée qu’il dépose dans Microsoft Authenticator.",
    },
    profile_mismatch: {
      title: "Votre nom vérifié ne correspond pas à ce compte",
      body: "Le nom figurant sur votre pièce d’identité n’est pas celui enregistré pour ce compte.",
      next: "Vérifiez que vous avez saisi votre propre compte professionnel. S’il s’agit bien du vôtre, contactez votre support informatique pour faire corriger votre nom dans l’annuaire.",
    },
    profile_ambiguous: {
      title: "Votre nom vérifié correspond à plusieurs comptes",
      body: "Le nom figurant sur votre pièce d’identité correspond à plusieurs comptes de votre organisation : nous ne pouvons donc pas savoir lequel est le vôtre.",
      next: "Contactez votre support informatique : il pourra confirmer votre compte autrement. Aucun compte n’a été modifié.",
    },
    tap_policy_blocked: {
      title: "Nous n’avons pas pu émettre de Temporary Access Pass",
      body: "Votre identité a été vérifiée, mais les paramètres de votre organisation n’autorisent pas de Temporary Access Pass pour ce compte.",
      next: "Contactez votre support informatique. Rien n’a été modifié sur votre compte.",
    },
    directory_error: {
      title: "Nous n’avons pas pu terminer la récupération",
      body: "Votre identité a été vérifiée, mais l’annuaire n’a pas accepté la modification.",
      next: "Contactez votre support informatique en précisant que la récupération de compte n’a pas pu aboutir.",
    },
    verified_id_error: {
      title: "Nous n’avons pas pu demander votre identité vérifiée",
      body: "La demande destinée à Microsoft Authenticator n’a pas pu être créée.",
      next: "Réessayez dans quelques minutes. Si le problème persiste, contactez votre support informatique.",
    },
    cancelled: {
      title: "Récupération annulée",
      body: "Rien n’a été modifié sur votre compte.",
      next: "Vous pouvez recommencer à tout moment.",
    },
    superseded: {
      title: "Une récupération plus récente a remplacé celle-ci",
      body: "Une nouvelle récupération a été lancée pour ce compte, dans un autre onglet ou navigateur. Rien n’a été modifié sur votre compte.",
      next: "Poursuivez là où vous l’avez relancée, ou recommencez ici.",
    },
    internal_error: {
      title: "Une erreur s’est produite",
      body: "La récupération s’est arrêtée à cause d’une erreur inattendue de notre côté.",
      next: "Réessayez. Si le problème se reproduit, contactez votre support informatique.",
    },
  },

  unknownFailure: {
    title: "La récupération n’a pas pu aboutir",
    next: "Réessayez. Si le problème se reproduit, contactez votre support informatique.",
  },

  actions: {
    tryAgain: "Recommencer",
    cancel: "Annuler la récupération",
    cancelling: "Annulation…",
  },

  connection: {
    reconnecting: "Connexion perdue. Reconnexion…",
    restored: "Connexion rétablie.",
  },

  status: {
    pending: "Vérification de votre compte…",
    verifying_identity: "En attente de la vérification d’identité.",
    awaiting_presentation: "En attente de votre identité vérifiée.",
    validating: "Vérification de votre identité vérifiée…",
  },
} as const satisfies Translation;
