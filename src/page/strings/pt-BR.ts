/** The recovery page in Brazilian Portuguese ("você"), key for key as ./en.ts. */
import type { Translation } from "./en";

export const ptBR = {
  lang: "pt-BR",
  appName: "Recuperação de conta",
  language: "Idioma",
  noScript: "Esta página precisa de JavaScript para recuperar sua conta.",

  start: {
    title: "Recupere sua conta",
    intro:
      "Perdeu seu celular, seu aplicativo autenticador ou sua chave de segurança? Você pode voltar a acessar sua conta de trabalho comprovando quem você é com um documento de identidade.",
    usernameLabel: "Sua conta de trabalho",
    usernameHint: "O endereço com que você entra, por exemplo nome@empresa.com.br",
    submit: "Continuar",
    starting: "Iniciando…",
    invalidUsername: "Informe o endereço com que você entra, por exemplo nome@empresa.com.br.",
    rateLimited: "Muitas tentativas. Tente novamente em {duration}.",
    unavailable: "Não é possível acessar o serviço agora. Verifique sua conexão e tente novamente.",
  },

  explain: {
    title: "Veja o que vai acontecer",
    intro: "Leva cerca de cinco minutos. Tenha em mãos:",
    steps: [
      {
        title: "Seu documento de identidade",
        body: "Passaporte, carteira de identidade ou carteira de motorista. Nosso parceiro de verificação tira uma foto dele.",
      },
      {
        title: "Uma selfie",
        body: "Um vídeo curto ou uma foto do seu rosto, ao vivo, comparado com a foto do seu documento.",
      },
      {
        title: "Microsoft Authenticator no seu celular",
        body: "O parceiro coloca nele uma identidade verificada. Depois você a mostra para nós com uma rápida verificação facial.",
      },
    ],
    after:
      "Se tudo conferir, removemos seus métodos de entrada antigos e damos a você um Temporary Access Pass para configurar novos.",
    checking: "Verificando sua conta…",
    go: "Continuar para {provider}",
    goGeneric: "Continuar para a verificação de identidade",
    providerNote: "Você sairá desta página e voltará para cá quando terminar.",
  },

  verifying: {
    title: "Aguardando o resultado da sua verificação",
    body: "Estamos consultando o resultado da sua verificação com nosso parceiro. Isso costuma levar menos de um minuto.",
    notDone: "Não terminou no parceiro?",
    until: "Você pode voltar ao parceiro até {time}.",
    goBack: "Voltar para a verificação de identidade",
    goBackEnd: ".",
    goingBack: "Abrindo um novo link para o parceiro…",
    goBackFailed:
      "Não foi possível abrir um novo link para o parceiro. Tente novamente em instantes ou cancele.",
  },

  present: {
    title: "Mostre sua identidade verificada",
    body: "Abra o Microsoft Authenticator no seu celular e escaneie este código. O Authenticator pedirá que você tire uma selfie e compartilhe sua identidade verificada conosco.",
    qrAlt: "Código QR para escanear com o Microsoft Authenticator",
    sameDevice: "Neste celular? Abrir o Microsoft Authenticator",
    openWallet: "Abrir o Microsoft Authenticator",
    expiresIn: "Esta solicitação expira em {remaining}.",
    expired: "Esta solicitação expirou. Uma nova está sendo preparada…",
    opened: "Sua carteira abriu a solicitação. Conclua-a no seu celular.",
    noQr: "Abra o link abaixo no celular que tem o Microsoft Authenticator.",
  },

  validating: {
    title: "Verificando sua identidade verificada",
    body: "Estamos verificando sua credencial e comparando-a com sua conta. Mantenha esta página aberta.",
  },

  tap: {
    title: "Sua conta foi recuperada",
    intro: "Use este Temporary Access Pass para entrar e configurar novos métodos de entrada.",
    label: "Temporary Access Pass",
    onceWarning: "Ele é mostrado só uma vez. Copie ou anote agora.",
    copy: "Copiar",
    copied: "Copiado para a área de transferência.",
    copyFailed: "Não foi possível copiar. Selecione o passe e copie você mesmo.",
    expiresIn: "Expira em {remaining}.",
    expired: "Este passe expirou.",
    usableOnce: "Ele vale para uma entrada.",
    usableMany: "Ele vale para várias entradas até expirar.",
    register: "Configurar novos métodos de entrada",
    registerNote:
      "Abre Minhas entradas, onde você entra com o passe e adiciona um aplicativo autenticador ou uma chave de segurança.",
    done: "Já salvei",
    undecryptable:
      "Sua conta foi recuperada, mas este navegador não conseguiu abrir seu Temporary Access Pass. Entre em contato com o suporte técnico para obter um novo.",
  },

  recoveredEarlier: {
    title: "Sua conta foi recuperada",
    body: "Seu Temporary Access Pass já foi mostrado uma vez. Se você não o salvou, entre em contato com o suporte técnico para obter um novo.",
  },

  done: {
    title: "Tudo pronto",
    body: "Entre com seu Temporary Access Pass e adicione novos métodos de entrada antes que ele expire. Se ele expirar antes, entre em contato com o suporte técnico.",
    register: "Configurar novos métodos de entrada",
  },

  evaluation: {
    title: "Sua identidade foi verificada",
    body: "Este serviço está em modo de avaliação: nada foi alterado na sua conta e nenhum Temporary Access Pass foi emitido.",
    next: "Seu administrador está testando a recuperação de conta. Entre em contato com o suporte técnico para recuperar o acesso.",
  },

  verification: {
    after:
      "Se tudo corresponder, o suporte técnico verá que sua identidade foi verificada. Nada é alterado na sua conta.",
    invalid: {
      title: "Este link de verificação não pode ser usado",
      body: "Ele pode já ter sido usado ou ter expirado. Os links funcionam uma única vez e por pouco tempo.",
      next: "Peça um novo link ao suporte técnico.",
    },
    verified: {
      title: "Sua identidade foi verificada",
      body: "O suporte técnico agora pode ver que sua identidade foi verificada. Nada foi alterado na sua conta.",
      next: "Avise o atendente do suporte técnico que você terminou. Você pode fechar esta página.",
    },
    offer: {
      title: "Sua identidade foi verificada",
      body: "O suporte técnico agora pode ver que sua identidade foi verificada. Você também pode recuperar sua conta agora: removemos seus métodos de entrada antigos, encerramos todas as suas sessões e mostramos um Temporary Access Pass aqui, somente nesta página.",
      recover: "Recuperar minha conta agora",
      until: "Esta opção expira em {remaining}.",
      expired: "Esta opção expirou.",
      recovering: "Recuperando…",
      decline: "Se você só precisava comprovar quem é, pode fechar esta página.",
    },
  },

  lost: {
    title: "Não podemos continuar esta recuperação aqui",
    body: "Esta recuperação foi iniciada em outro navegador ou guia, ou já terminou. Para sua segurança, ela só pode continuar onde começou.",
  },

  failures: {
    not_eligible: {
      title: "Esta conta não pode ser recuperada aqui",
      body: "A recuperação por autoatendimento não está disponível para esta conta.",
      next: "Entre em contato com o suporte técnico. Ele pode ajudar você a voltar a acessar.",
    },
    idv_declined: {
      title: "Não foi possível verificar sua identidade",
      body: "Nosso parceiro de verificação não conseguiu confirmar sua identidade com base no seu documento e na sua selfie.",
      next: "Tente novamente com um passaporte, carteira de identidade ou carteira de motorista válidos, com boa iluminação e o documento inteiro visível.",
    },
    idv_timeout: {
      title: "A verificação de identidade demorou demais",
      body: "Não recebemos a tempo o resultado do nosso parceiro de verificação.",
      next: "Comece de novo e conclua a verificação de uma só vez.",
    },
    idv_expired: {
      title: "Sua sessão de verificação expirou",
      body: "A sessão no nosso parceiro de verificação expirou antes de ser concluída.",
      next: "Comece de novo e conclua a verificação de uma só vez.",
    },
    idv_provider_error: {
      title: "Nosso parceiro de verificação teve um problema",
      body: "A verificação não pôde ser concluída por causa de um erro no nosso parceiro.",
      next: "Tente novamente em alguns minutos.",
    },
    idv_error: {
      title: "Não foi possível iniciar a verificação de identidade",
      body: "Não conseguimos abrir uma sessão no nosso parceiro de verificação.",
      next: "Tente novamente em alguns minutos. Se continuar acontecendo, entre em contato com o suporte técnico.",
    },
    presentation_timeout: {
      title: "Sua identidade verificada não foi compartilhada a tempo",
      body: "Não recebemos sua identidade verificada do Microsoft Authenticator antes de a solicitação expirar.",
      next: "Comece de novo. Mantenha o Authenticator aberto no celular quando chegar ao código QR.",
    },
    presentation_rejected: {
      title: "Sua identidade verificada não foi compartilhada",
      body: "A solicitação no Microsoft Authenticator foi recusada ou não pôde ser concluída.",
      next: "Comece de novo e aceite a solicitação no Authenticator.",
    },
    face_check_failed: {
      title: "Seu rosto não correspondeu ao seu documento",
      body: "A selfie tirada no Microsoft Authenticator não correspondeu o suficiente à foto do seu documento de identidade.",
      next: "Tente novamente com luz boa e uniforme, olhando para a câmera, sem óculos, chapéu ou máscara.",
    },
    credential_invalid: {
      title: "Sua identidade verificada não pode ser aceita",
      body: "A identidade verificada que você compartilhou não é uma das que aceitamos.",
      next: "Comece de novo e compartilhe a identidade verificada que nosso parceiro emitiu durante esta recuperação.",
    },
    credential_revoked: {
      title: "Sua identidade verificada foi revogada",
      body: "A identidade verificada que você compartilhou foi revogada por quem a emitiu.",
      next: "Comece de novo para verificar sua identidade e obter uma nova.",
    },
    credential_expired: {
      title: "Sua identidade verificada expirou",
      body: "A identidade verificada que você compartilhou passou da data de validade.",
      next: "Comece de novo para verificar sua identidade e obter uma nova.",
    },
    credential_stale: {
      title: "Sua identidade verificada é de uma verificação anterior",
      body: "A identidade verificada que você compartilhou foi emitida antes do início desta recuperação, então ela não mostra que você acabou de verificar sua identidade.",
      next: "Comece de novo, conclua a verificação com nosso parceiro e compartilhe a nova identidade verificada que ele coloca no Microsoft Authenticator.",
    },
    profile_mismatch: {
      title: "Seu nome verificado não corresponde a esta conta",
      body: "O nome no seu documento de identidade não é o nome registrado para esta conta.",
      next: "Confira se você informou sua própria conta de trabalho. Se ela for sua, entre em contato com o suporte técnico para corrigir seu nome no diretório.",
    },
    profile_ambiguous: {
      title: "Seu nome verificado corresponde a mais de uma conta",
      body: "O nome no seu documento de identidade corresponde a mais de uma conta na sua organização, então não conseguimos saber qual é a sua.",
      next: "Entre em contato com o suporte técnico: ele pode confirmar sua conta de outra forma. Nada foi alterado em nenhuma conta.",
    },
    tap_policy_blocked: {
      title: "Não conseguimos emitir um Temporary Access Pass",
      body: "Sua identidade foi verificada, mas as configurações da sua organização não permitem um Temporary Access Pass para esta conta.",
      next: "Entre em contato com o suporte técnico. Nada foi alterado na sua conta.",
    },
    directory_error: {
      title: "Não conseguimos concluir a recuperação",
      body: "Sua identidade foi verificada, mas o diretório não aceitou a alteração.",
      next: "Entre em contato com o suporte técnico e informe que a recuperação de conta não pôde ser concluída.",
    },
    verified_id_error: {
      title: "Não conseguimos solicitar sua identidade verificada",
      body: "Não foi possível criar a solicitação para o Microsoft Authenticator.",
      next: "Tente novamente em alguns minutos. Se continuar acontecendo, entre em contato com o suporte técnico.",
    },
    cancelled: {
      title: "Recuperação cancelada",
      body: "Nada foi alterado na sua conta.",
      next: "Você pode começar de novo a qualquer momento.",
    },
    superseded: {
      title: "Uma recuperação mais recente substituiu esta",
      body: "A recuperação desta conta foi iniciada novamente em outra guia ou navegador. Nada foi alterado na sua conta.",
      next: "Continue onde você a iniciou novamente ou comece de novo aqui.",
    },
    internal_error: {
      title: "Algo deu errado",
      body: "A recuperação parou por causa de um erro inesperado do nosso lado.",
      next: "Tente novamente. Se acontecer de novo, entre em contato com o suporte técnico.",
    },
  },

  unknownFailure: {
    title: "Não foi possível concluir a recuperação",
    next: "Tente novamente. Se acontecer de novo, entre em contato com o suporte técnico.",
  },

  actions: {
    tryAgain: "Começar de novo",
    cancel: "Cancelar a recuperação",
    cancelling: "Cancelando…",
  },

  connection: {
    reconnecting: "Conexão perdida. Reconectando…",
    restored: "Conexão restabelecida.",
  },

  status: {
    pending: "Verificando sua conta…",
    verifying_identity: "Aguardando a verificação de identidade.",
    awaiting_presentation: "Aguardando sua identidade verificada.",
    validating: "Verificando sua identidade verificada…",
  },
} as const satisfies Translation;
