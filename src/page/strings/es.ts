/** The recovery page in Spanish (formal "usted"), key for key as ./en.ts. */
import type { Translation } from "./en";

export const es = {
  lang: "es",
  appName: "Recuperación de cuenta",
  language: "Idioma",
  noScript: "Esta página necesita JavaScript para recuperar su cuenta.",

  start: {
    title: "Recupere su cuenta",
    intro:
      "¿Ha perdido su teléfono, su aplicación de autenticación o su llave de seguridad? Puede volver a acceder a su cuenta de trabajo demostrando su identidad con un documento de identidad.",
    usernameLabel: "Su cuenta de trabajo",
    usernameHint: "La dirección con la que inicia sesión, por ejemplo nombre@empresa.es",
    submit: "Continuar",
    starting: "Iniciando…",
    invalidUsername: "Escriba la dirección con la que inicia sesión, por ejemplo nombre@empresa.es.",
    rateLimited: "Demasiados intentos. Vuelva a intentarlo dentro de {duration}.",
    unavailable:
      "No se puede acceder al servicio en este momento. Compruebe su conexión y vuelva a intentarlo.",
  },

  explain: {
    title: "Esto es lo que va a ocurrir",
    intro: "Tarda unos cinco minutos. Tenga a mano lo siguiente:",
    steps: [
      {
        title: "Su documento de identidad",
        body: "Un pasaporte, un documento nacional de identidad o un permiso de conducir. Nuestro socio de verificación lo fotografía.",
      },
      {
        title: "Un selfi",
        body: "Un breve vídeo o foto de su cara en directo, que se compara con la foto de su documento.",
      },
      {
        title: "Microsoft Authenticator en su teléfono",
        body: "El socio guarda allí una identidad verificada. Después nos la muestra con una rápida comprobación facial.",
      },
    ],
    after:
      "Si todo coincide, eliminamos sus métodos de inicio de sesión anteriores y le damos un Temporary Access Pass para configurar otros nuevos.",
    checking: "Comprobando su cuenta…",
    go: "Continuar a {provider}",
    goGeneric: "Continuar a la verificación de identidad",
    providerNote: "Saldrá de esta página y volverá aquí cuando termine.",
  },

  verifying: {
    title: "Esperando el resultado de su verificación",
    body: "Estamos consultando el resultado de su verificación con nuestro socio. Suele tardar menos de un minuto.",
    notDone: "¿No terminó con el socio?",
    until: "Puede volver con el socio hasta las {time}.",
    goBack: "Volver a la verificación de identidad",
    goBackEnd: ".",
    goingBack: "Abriendo un nuevo enlace con el socio…",
    goBackFailed:
      "No pudimos abrir un nuevo enlace con el socio. Vuelva a intentarlo en un momento o cancele.",
  },

  present: {
    title: "Muestre su identidad verificada",
    body: "Abra Microsoft Authenticator en su teléfono y escanee este código. Authenticator le pedirá que se haga un selfi y que comparta con nosotros su identidad verificada.",
    qrAlt: "Código QR para escanear con Microsoft Authenticator",
    sameDevice: "¿En este teléfono? Abrir Microsoft Authenticator",
    openWallet: "Abrir Microsoft Authenticator",
    expiresIn: "Esta solicitud caduca en {remaining}.",
    expired: "Esta solicitud ha caducado. Se está preparando una nueva…",
    opened: "Su cartera abrió la solicitud. Complétela en su teléfono.",
    noQr: "Abra el siguiente enlace en el teléfono que tiene Microsoft Authenticator.",
  },

  validating: {
    title: "Comprobando su identidad verificada",
    body: "Estamos comprobando su credencial y cotejándola con su cuenta. Mantenga esta página abierta.",
  },

  tap: {
    title: "Su cuenta se ha recuperado",
    intro:
      "Use este Temporary Access Pass para iniciar sesión y configurar nuevos métodos de inicio de sesión.",
    label: "Temporary Access Pass",
    onceWarning: "Solo se muestra una vez. Cópielo o anótelo ahora.",
    copy: "Copiar",
    copied: "Copiado en el portapapeles.",
    copyFailed: "No se pudo copiar. Seleccione el pase y cópielo usted mismo.",
    expiresIn: "Caduca en {remaining}.",
    expired: "Este pase ha caducado.",
    usableOnce: "Sirve para un solo inicio de sesión.",
    usableMany: "Sirve para varios inicios de sesión hasta que caduque.",
    register: "Configurar nuevos métodos de inicio de sesión",
    registerNote:
      "Abre Mis inicios de sesión, donde inicia sesión con el pase y añade una aplicación de autenticación o una llave de seguridad.",
    done: "Ya lo he guardado",
    undecryptable:
      "Su cuenta se ha recuperado, pero este navegador no pudo abrir su Temporary Access Pass. Póngase en contacto con su servicio de asistencia para obtener uno nuevo.",
  },

  recoveredEarlier: {
    title: "Su cuenta se ha recuperado",
    body: "Su Temporary Access Pass ya se mostró una vez. Si no lo guardó, póngase en contacto con su servicio de asistencia para obtener uno nuevo.",
  },

  done: {
    title: "Todo listo",
    body: "Inicie sesión con su Temporary Access Pass y añada nuevos métodos de inicio de sesión antes de que caduque. Si caduca antes, póngase en contacto con su servicio de asistencia.",
    register: "Configurar nuevos métodos de inicio de sesión",
  },

  evaluation: {
    title: "Su identidad se ha verificado",
    body: "Este servicio funciona en modo de evaluación: no se ha cambiado nada en su cuenta y no se ha emitido ningún Temporary Access Pass.",
    next: "Su administrador está probando la recuperación de cuentas. Póngase en contacto con su servicio de asistencia para recuperar el acceso.",
  },

  verification: {
    after:
      "Si todo coincide, su servicio de asistencia técnica verá que su identidad se verificó. No se cambia nada en su cuenta.",
    invalid: {
      title: "Este enlace de verificación no se puede usar",
      body: "Puede que ya se haya usado o que haya caducado. Los enlaces funcionan una sola vez y durante poco tiempo.",
      next: "Pida un enlace nuevo a su servicio de asistencia técnica.",
    },
    verified: {
      title: "Su identidad se verificó",
      body: "Su servicio de asistencia técnica ya puede ver que su identidad se verificó. No se cambió nada en su cuenta.",
      next: "Diga a la persona del servicio de asistencia que ha terminado. Puede cerrar esta página.",
    },
    offer: {
      title: "Su identidad se verificó",
      body: "Su servicio de asistencia técnica ya puede ver que su identidad se verificó. También puede recuperar su cuenta ahora: quitamos sus métodos de inicio de sesión anteriores, cerramos todas sus sesiones y le mostramos un Temporary Access Pass aquí, solo en esta página.",
      recover: "Recuperar mi cuenta ahora",
      until: "Esta opción caduca en {remaining}.",
      expired: "Esta opción ha caducado.",
      recovering: "Recuperando…",
      decline: "Si solo necesitaba demostrar quién es, puede cerrar esta página.",
    },
  },

  lost: {
    title: "No podemos continuar esta recuperación aquí",
    body: "Esta recuperación se inició en otro navegador o pestaña, o ya ha terminado. Por su seguridad, solo puede continuar donde se inició.",
  },

  failures: {
    not_eligible: {
      title: "Esta cuenta no se puede recuperar aquí",
      body: "La recuperación autoservicio no está disponible para esta cuenta.",
      next: "Póngase en contacto con su servicio de asistencia. Pueden ayudarle a recuperar el acceso.",
    },
    idv_declined: {
      title: "No se pudo verificar su identidad",
      body: "Nuestro socio de verificación no pudo confirmar su identidad a partir de su documento y su selfi.",
      next: "Vuelva a intentarlo con un pasaporte, documento nacional de identidad o permiso de conducir válido, con buena luz y con todo el documento visible.",
    },
    idv_timeout: {
      title: "La verificación de identidad tardó demasiado",
      body: "No recibimos a tiempo el resultado de nuestro socio de verificación.",
      next: "Empiece de nuevo y complete la verificación de una sola vez.",
    },
    idv_expired: {
      title: "Su sesión de verificación caducó",
      body: "La sesión con nuestro socio de verificación caducó antes de terminar.",
      next: "Empiece de nuevo y complete la verificación de una sola vez.",
    },
    idv_provider_error: {
      title: "Nuestro socio de verificación tuvo un problema",
      body: "La verificación no pudo completarse debido a un error de nuestro socio.",
      next: "Vuelva a intentarlo dentro de unos minutos.",
    },
    idv_error: {
      title: "La verificación de identidad no pudo iniciarse",
      body: "No pudimos abrir una sesión con nuestro socio de verificación.",
      next: "Vuelva a intentarlo dentro de unos minutos. Si sigue ocurriendo, póngase en contacto con su servicio de asistencia.",
    },
    presentation_timeout: {
      title: "Su identidad verificada no se compartió a tiempo",
      body: "No recibimos su identidad verificada desde Microsoft Authenticator antes de que caducara la solicitud.",
      next: "Empiece de nuevo. Mantenga Authenticator abierto en su teléfono cuando llegue al código QR.",
    },
    presentation_rejected: {
      title: "Su identidad verificada no se compartió",
      body: "La solicitud en Microsoft Authenticator se rechazó o no pudo completarse.",
      next: "Empiece de nuevo y acepte la solicitud en Authenticator.",
    },
    face_check_failed: {
      title: "Su cara no coincidió con su documento",
      body: "El selfi tomado en Microsoft Authenticator no se parecía lo suficiente a la foto de su documento de identidad.",
      next: "Vuelva a intentarlo con buena luz uniforme, mirando a la cámara, sin gafas, sombrero ni mascarilla.",
    },
    credential_invalid: {
      title: "Su identidad verificada no se puede aceptar",
      body: "La identidad verificada que compartió no es una de las que aceptamos.",
      next: "Empiece de nuevo y comparta la identidad verificada que nuestro socio emitió durante esta recuperación.",
    },
    credential_revoked: {
      title: "Su identidad verificada ha sido revocada",
      body: "Su emisor revocó la identidad verificada que compartió.",
      next: "Empiece de nuevo para verificar su identidad y obtener una nueva.",
    },
    credential_expired: {
      title: "Su identidad verificada ha caducado",
      body: "La identidad verificada que compartió ha superado su fecha de caducidad.",
      next: "Empiece de nuevo para verificar su identidad y obtener una nueva.",
    },
    credential_stale: {
      title: "Su identidad verificada procede de una verificación anterior",
      body: "La identidad verificada que compartió se emitió antes de que empezara esta recuperación, así que no demuestra que acabe de verificar su identidad.",
      next: "Empiece de nuevo, complete la verificación con nuestro socio y comparta la nueva identidad verificada que este guarda en Microsoft Authenticator.",
    },
    profile_mismatch: {
      title: "Su nombre verificado no coincide con esta cuenta",
      body: "El nombre de su documento de identidad no es el que consta para esta cuenta.",
      next: "Compruebe que ha escrito su propia cuenta de trabajo. Si es la suya, póngase en contacto con su servicio de asistencia para que corrijan su nombre en el directorio.",
    },
    profile_ambiguous: {
      title: "Su nombre verificado coincide con más de una cuenta",
      body: "El nombre de su documento de identidad coincide con más de una cuenta de su organización, por lo que no podemos saber cuál es la suya.",
      next: "Póngase en contacto con su servicio de asistencia: pueden confirmar su cuenta de otra forma. No se ha cambiado nada en ninguna cuenta.",
    },
    tap_policy_blocked: {
      title: "No pudimos emitir un Temporary Access Pass",
      body: "Su identidad se verificó, pero la configuración de su organización no permite un Temporary Access Pass para esta cuenta.",
      next: "Póngase en contacto con su servicio de asistencia. No se ha cambiado nada en su cuenta.",
    },
    directory_error: {
      title: "No pudimos terminar la recuperación",
      body: "Su identidad se verificó, pero el directorio no aceptó el cambio.",
      next: "Póngase en contacto con su servicio de asistencia e indique que la recuperación de la cuenta no pudo terminar.",
    },
    verified_id_error: {
      title: "No pudimos solicitar su identidad verificada",
      body: "No se pudo crear la solicitud para Microsoft Authenticator.",
      next: "Vuelva a intentarlo dentro de unos minutos. Si sigue ocurriendo, póngase en contacto con su servicio de asistencia.",
    },
    cancelled: {
      title: "Recuperación cancelada",
      body: "No se ha cambiado nada en su cuenta.",
      next: "Puede empezar de nuevo en cualquier momento.",
    },
    superseded: {
      title: "Una recuperación más reciente sustituyó a esta",
      body: "Se volvió a iniciar la recuperación de esta cuenta en otra pestaña o navegador. No se ha cambiado nada en su cuenta.",
      next: "Continúe donde la volvió a iniciar, o empiece de nuevo aquí.",
    },
    internal_error: {
      title: "Algo salió mal",
      body: "La recuperación se detuvo por un error inesperado de nuestra parte.",
      next: "Vuelva a intentarlo. Si vuelve a ocurrir, póngase en contacto con su servicio de asistencia.",
    },
  },

  unknownFailure: {
    title: "No se pudo completar la recuperación",
    next: "Vuelva a intentarlo. Si vuelve a ocurrir, póngase en contacto con su servicio de asistencia.",
  },

  actions: {
    tryAgain: "Empezar de nuevo",
    cancel: "Cancelar la recuperación",
    cancelling: "Cancelando…",
  },

  connection: {
    reconnecting: "Se perdió la conexión. Reconectando…",
    restored: "Conexión restablecida.",
  },

  status: {
    pending: "Comprobando su cuenta…",
    verifying_identity: "Esperando la verificación de identidad.",
    awaiting_presentation: "Esperando su identidad verificada.",
    validating: "Comprobando su identidad verificada…",
  },
} as const satisfies Translation;
