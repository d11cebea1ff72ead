/** The recovery page in Simplified Chinese (您), key for key as ./en.ts. */
import type { Translation } from "./en";

export const zhHans = {
  lang: "zh-Hans",
  appName: "帐户恢复",
  language: "语言",
  noScript: "此页面需要 JavaScript 才能恢复您的帐户。",

  start: {
    title: "恢复您的帐户",
    intro: "丢失了手机、身份验证器应用或安全密钥？您可以使用身份证件证明身份，重新进入您的工作帐户。",
    usernameLabel: "您的工作帐户",
    usernameHint: "您用于登录的地址，例如 name@company.cn",
    submit: "继续",
    starting: "正在开始…",
    invalidUsername: "请输入您用于登录的地址，例如 name@company.cn。",
    rateLimited: "尝试次数过多。请在 {duration}后重试。",
    unavailable: "目前无法连接到服务。请检查您的网络连接，然后重试。",
  },

  explain: {
    title: "接下来的步骤",
    intro: "大约需要五分钟。请准备好：",
    steps: [
      {
        title: "您的身份证件",
        body: "护照、身份证或驾驶证。我们的验证合作伙伴会为其拍照。",
      },
      {
        title: "一张自拍",
        body: "一段简短的实时视频或一张面部照片，用于与证件上的照片进行比对。",
      },
      {
        title: "手机上的 Microsoft Authenticator",
        body: "合作伙伴会在其中添加一个已验证身份。之后您通过快速人脸检查向我们出示它。",
      },
    ],
    after:
      "如果全部匹配，我们会删除您原有的登录方式，并为您提供一个 Temporary Access Pass，用于设置新的登录方式。",
    checking: "正在检查您的帐户…",
    go: "继续前往 {provider}",
    goGeneric: "继续进行身份验证",
    providerNote: "您将离开此页面，完成后会回到这里。",
  },

  verifying: {
    title: "正在等待您的验证结果",
    body: "我们正在向合作伙伴查询您的验证结果。通常不到一分钟。",
    notDone: "在合作伙伴处没有完成？",
    until: "在 {time} 之前，您可以返回合作伙伴处。",
    goBack: "返回身份验证",
    goBackEnd: "。",
    goingBack: "正在打开指向合作伙伴的新链接…",
    goBackFailed: "无法打开指向合作伙伴的新链接。请稍后重试，或取消。",
  },

  present: {
    title: "出示您的已验证身份",
    body: "在手机上打开 Microsoft Authenticator 并扫描此代码。Authenticator 会请您自拍，并与我们共享您的已验证身份。",
    qrAlt: "用 Microsoft Authenticator 扫描的二维码",
    sameDevice: "正在使用这部手机？打开 Microsoft Authenticator",
    openWallet: "打开 Microsoft Authenticator",
    expiresIn: "此请求将在 {remaining} 后过期。",
    expired: "此请求已过期。正在准备新的请求…",
    opened: "您的钱包已打开此请求。请在手机上完成。",
    noQr: "请在安装了 Microsoft Authenticator 的手机上打开下面的链接。",
  },

  validating: {
    title: "正在检查您的已验证身份",
    body: "我们正在检查您的凭据并将其与您的帐户进行匹配。请保持此页面打开。",
  },

  tap: {
    title: "您的帐户已恢复",
    intro: "请使用此 Temporary Access Pass 登录并设置新的登录方式。",
    label: "Temporary Access Pass",
    onceWarning: "它只显示一次。请立即复制或记下。",
    copy: "复制",
    copied: "已复制到剪贴板。",
    copyFailed: "无法复制。请选中此通行证并自行复制。",
    expiresIn: "将在 {remaining} 后过期。",
    expired: "此通行证已过期。",
    usableOnce: "它只能用于一次登录。",
    usableMany: "在过期之前，它可以用于多次登录。",
    register: "设置新的登录方式",
    registerNote: "将打开“我的登录”，您可以在其中使用此通行证登录，并添加身份验证器或安全密钥。",
    done: "我已保存",
    undecryptable:
      "您的帐户已恢复，但此浏览器无法打开您的 Temporary Access Pass。请联系您的技术支持获取新的通行证。",
  },

  recoveredEarlier: {
    title: "您的帐户已恢复",
    body: "您的 Temporary Access Pass 之前已显示过一次。如果您没有保存，请联系您的技术支持获取新的通行证。",
  },

  done: {
    title: "全部完成",
    body: "请在 Temporary Access Pass 过期之前用它登录并添加新的登录方式。如果它先过期，请联系您的技术支持。",
    register: "设置新的登录方式",
  },

  evaluation: {
    title: "您的身份已验证",
    body: "此服务正在评估模式下运行：您的帐户未做任何更改，也未颁发 Temporary Access Pass。",
    next: "您的管理员正在测试帐户恢复。请联系您的技术支持以重新获得访问权限。",
  },

  verification: {
    after: "如果全部匹配，您的技术支持将看到您的身份已通过验证。您的帐户不会有任何更改。",
    invalid: {
      title: "此验证链接无法使用",
      body: "它可能已被使用，或已过期。链接只能使用一次，且仅在短时间内有效。",
      next: "请向您的技术支持索取新链接。",
    },
    verified: {
      title: "您的身份已通过验证",
      body: "您的技术支持现在可以看到您的身份已通过验证。您的帐户没有任何更改。",
      next: "请告知技术支持人员您已完成。您可以关闭此页面。",
    },
    offer: {
      title: "您的身份已通过验证",
      body: "您的技术支持现在可以看到您的身份已通过验证。您也可以立即恢复帐户：我们会删除您以前的登录方式，将您从所有会话中注销，并仅在此页面上向您显示 Temporary Access Pass。",
      recover: "立即恢复我的帐户",
      until: "此选项将在 {remaining} 后过期。",
      expired: "此选项已过期。",
      recovering: "正在恢复…",
      decline: "如果您只需要证明自己的身份，可以关闭此页面。",
    },
  },

  lost: {
    title: "无法在此继续此次恢复",
    body: "此次恢复是在另一个浏览器或标签页中开始的，或者已经结束。为了您的安全，它只能在开始的地方继续。",
  },

  failures: {
    not_eligible: {
      title: "无法在此恢复此帐户",
      body: "此帐户不支持自助恢复。",
      next: "请联系您的技术支持，他们可以帮助您重新获得访问权限。",
    },
    idv_declined: {
      title: "无法验证您的身份",
      body: "我们的验证合作伙伴无法根据您的证件和自拍确认您的身份。",
      next: "请使用有效的护照、身份证或驾驶证，在光线良好的环境下、让整个证件清晰可见，然后重试。",
    },
    idv_timeout: {
      title: "身份验证耗时过长",
      body: "我们未能及时收到验证合作伙伴的结果。",
      next: "请重新开始，并一次性完成验证。",
    },
    idv_expired: {
      title: "您的验证会话已过期",
      body: "您在验证合作伙伴处的会话在完成之前已过期。",
      next: "请重新开始，并一次性完成验证。",
    },
    idv_provider_error: {
      title: "我们的验证合作伙伴出现问题",
      body: "由于合作伙伴出现错误，验证未能完成。",
      next: "请几分钟后重试。",
    },
    idv_error: {
      title: "无法开始身份验证",
      body: "我们无法在验证合作伙伴处建立会话。",
      next: "请几分钟后重试。如果问题持续出现，请联系您的技术支持。",
    },
    presentation_timeout: {
      title: "您的已验证身份未能及时共享",
      body: "在请求过期之前，我们没有收到来自 Microsoft Authenticator 的已验证身份。",
      next: "请重新开始。到达二维码页面时，请在手机上保持 Authenticator 打开。",
    },
    presentation_rejected: {
      title: "您的已验证身份未共享",
      body: "Microsoft Authenticator 中的请求被拒绝或无法完成。",
      next: "请重新开始，并在 Authenticator 中接受请求。",
    },
    face_check_failed: {
      title: "您的面部与证件不匹配",
      body: "在 Microsoft Authenticator 中拍摄的自拍与您身份证件上的照片相似度不足。",
      next: "请在光线充足且均匀的环境下，正对摄像头，不戴眼镜、帽子或口罩，然后重试。",
    },
    credential_invalid: {
      title: "无法接受您的已验证身份",
      body: "您共享的已验证身份不在我们接受的范围内。",
      next: "请重新开始，并共享我们的合作伙伴在此次恢复中颁发的已验证身份。",
    },
    credential_revoked: {
      title: "您的已验证身份已被撤销",
      body: "您共享的已验证身份已被其颁发者撤销。",
      next: "请重新开始以验证您的身份并获取新的已验证身份。",
    },
    credential_expired: {
      title: "您的已验证身份已过期",
      body: "您共享的已验证身份已超过有效期。",
      next: "请重新开始以验证您的身份并获取新的已验证身份。",
    },
    credential_stale: {
      title: "您的已验证身份来自之前的一次验证",
      body: "您共享的已验证身份是在此次恢复开始之前颁发的，因此无法证明您刚刚完成了身份验证。",
      next: "请重新开始，在合作伙伴处完成验证，然后共享它添加到 Microsoft Authenticator 中的新的已验证身份。",
    },
    profile_mismatch: {
      title: "您经过验证的姓名与此帐户不符",
      body: "您身份证件上的姓名与此帐户登记的姓名不同。",
      next: "请确认您输入的是您自己的工作帐户。如果是您的帐户，请联系您的技术支持更正目录中的姓名。",
    },
    profile_ambiguous: {
      title: "您经过验证的姓名与多个帐户相符",
      body: "您身份证件上的姓名与贵组织中的多个帐户相符，因此我们无法确定哪个是您的帐户。",
      next: "请联系您的技术支持，他们可以通过其他方式确认您的帐户。任何帐户均未做更改。",
    },
    tap_policy_blocked: {
      title: "我们无法颁发 Temporary Access Pass",
      body: "您的身份已验证，但贵组织的设置不允许为此帐户颁发 Temporary Access Pass。",
      next: "请联系您的技术支持。您的帐户未做任何更改。",
    },
    directory_error: {
      title: "我们无法完成恢复",
      body: "您的身份已验证，但目录未接受此更改。",
      next: "请联系您的技术支持，并说明帐户恢复未能完成。",
    },
    verified_id_error: {
      title: "我们无法请求您的已验证身份",
      body: "无法创建发往 Microsoft Authenticator 的请求。",
      next: "请几分钟后重试。如果问题持续出现，请联系您的技术支持。",
    },
    cancelled: {
      title: "已取消恢复",
      body: "您的帐户未做任何更改。",
      next: "您可以随时重新开始。",
    },
    superseded: {
      title: "此次恢复已被更新的恢复取代",
      body: "已在另一个标签页或浏览器中重新开始了此帐户的恢复。您的帐户未做任何更改。",
      next: "请在您重新开始的地方继续，或在此处重新开始。",
    },
    internal_error: {
      title: "出现了问题",
      body: "由于我们这边的意外错误，恢复已停止。",
      next: "请重试。如果再次出现，请联系您的技术支持。",
    },
  },

  unknownFailure: {
    title: "无法完成恢复",
    next: "请重试。如果再次出现，请联系您的技术支持。",
  },

  actions: {
    tryAgain: "重新开始",
    cancel: "取消恢复",
    cancelling: "正在取消…",
  },

  connection: {
    reconnecting: "连接已断开。正在重新连接…",
    restored: "连接已恢复。",
  },

  status: {
    pending: "正在检查您的帐户…",
    verifying_identity: "正在等待身份验证。",
    awaiting_presentation: "正在等待您的已验证身份。",
    validating: "正在检查您的已验证身份…",
  },
} as const satisfies Translation;
