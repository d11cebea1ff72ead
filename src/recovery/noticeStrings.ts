/**
 * The words of the recovery notices (./notifications.ts), per language of ./locale.ts. Values
 * are plain text with `{name}` placeholders; every language has every key and every placeholder
 * of the English (a unit test checks). The user's notice is a list of paragraphs: a new line
 * (a link, say) is one more key here, in every language, and one more paragraph there.
 * The Temporary Access Pass keeps its product name in every language.
 */
import type { Locale } from "./locale";

export interface NoticeStrings {
  /** `undo`: the one-time "this wasn't me" link (`{link}`) and until when it works (`{expires}`). */
  recovered: { subject: string; what: string; done: string; ifYou: string; undo: string };
  failed: { subject: string; what: string; ifYou: string };
  /** `{contact}`: " (address)" when an admin address is configured, else empty. */
  notYou: string;
  admin: {
    subjectRecovered: string;
    subjectFailed: string;
    account: string;
    outcome: string;
    outcomeRecovered: string;
    outcomeFailed: string;
    time: string;
    source: string;
    recovery: string;
    footer: string;
  };
}

const en: NoticeStrings = {
  recovered: {
    subject: "Your account was recovered",
    what: "The sign-in methods of your account {account} were reset through self-service account recovery on {time}, from the address {address}.",
    done: "All your sessions were signed out, and a Temporary Access Pass was issued for registering new sign-in methods.",
    ifYou: "If this was you, there is nothing more to do.",
    undo: "If this was not you, open this link to undo the recovery and block self-service recovery of the account until your IT help desk clears it (it works once, until {expires}):\n{link}",
  },
  failed: {
    subject: "An attempt to recover your account failed",
    what: "Someone passed identity verification and tried to recover your account {account} on {time}, from the address {address}. The recovery did not complete.",
    ifYou: "If this was you, you may try again or contact your IT help desk.",
  },
  notYou:
    "If this was not you, contact your IT help desk{contact} at once: someone else may be trying to take over your account. Quote the reference {reference}.",
  admin: {
    subjectRecovered: "Account recovered: {account}",
    subjectFailed: "Account recovery failed after identity verification: {account}",
    account: "Account: {account} (object id {userId})",
    outcome: "Outcome: {outcome}",
    outcomeRecovered: "recovered",
    outcomeFailed: "failed after identity verification ({code})",
    time: "Time: {time}",
    source: "Source address: {address}",
    recovery: "Recovery: {reference}",
    footer:
      "The audit trail of the recovery is in the admin API. The Temporary Access Pass is never sent by mail.",
  },
};

const de: NoticeStrings = {
  recovered: {
    subject: "Ihr Konto wurde wiederhergestellt",
    what: "Die Anmeldemethoden Ihres Kontos {account} wurden am {time} über die Self-Service-Kontowiederherstellung zurückgesetzt, von der Adresse {address} aus.",
    done: "Alle Ihre Sitzungen wurden abgemeldet, und ein Temporary Access Pass zum Einrichten neuer Anmeldemethoden wurde ausgestellt.",
    ifYou: "Wenn Sie das waren, müssen Sie nichts weiter tun.",
    undo: "Wenn Sie das nicht waren, öffnen Sie diesen Link, um die Wiederherstellung rückgängig zu machen und die Self-Service-Wiederherstellung des Kontos zu sperren, bis Ihr IT-Helpdesk sie wieder freigibt (er funktioniert einmal, bis {expires}):\n{link}",
  },
  failed: {
    subject: "Ein Versuch, Ihr Konto wiederherzustellen, ist fehlgeschlagen",
    what: "Jemand hat die Identitätsprüfung bestanden und am {time} versucht, Ihr Konto {account} wiederherzustellen, von der Adresse {address} aus. Die Wiederherstellung wurde nicht abgeschlossen.",
    ifYou: "Wenn Sie das waren, können Sie es erneut versuchen oder sich an Ihren IT-Helpdesk wenden.",
  },
  notYou:
    "Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren IT-Helpdesk{contact}: Möglicherweise versucht jemand anderes, Ihr Konto zu übernehmen. Nennen Sie die Referenz {reference}.",
  admin: {
    subjectRecovered: "Konto wiederhergestellt: {account}",
    subjectFailed: "Kontowiederherstellung nach der Identitätsprüfung fehlgeschlagen: {account}",
    account: "Konto: {account} (Objekt-ID {userId})",
    outcome: "Ergebnis: {outcome}",
    outcomeRecovered: "wiederhergestellt",
    outcomeFailed: "nach der Identitätsprüfung fehlgeschlagen ({code})",
    time: "Zeit: {time}",
    source: "Quelladresse: {address}",
    recovery: "Wiederherstellung: {reference}",
    footer:
      "Der Prüfpfad der Wiederherstellung steht in der Admin-API. Der Temporary Access Pass wird nie per E-Mail versandt.",
  },
};

const fr: NoticeStrings = {
  recovered: {
    subject: "Votre compte a été récupéré",
    what: "Les méthodes de connexion de votre compte {account} ont été réinitialisées par la récupération de compte en libre-service le {time}, depuis l’adresse {address}.",
    done: "Toutes vos sessions ont été fermées et un Temporary Access Pass a été émis pour enregistrer de nouvelles méthodes de connexion.",
    ifYou: "Si c’était vous, vous n’avez rien d’autre à faire.",
    undo: "Si ce n’était pas vous, ouvrez ce lien pour annuler la récupération et bloquer la récupération en libre-service du compte jusqu’à ce que votre support informatique la rétablisse (il ne fonctionne qu’une fois, jusqu’au {expires}) :\n{link}",
  },
  failed: {
    subject: "Une tentative de récupération de votre compte a échoué",
    what: "Quelqu’un a réussi la vérification d’identité et a tenté de récupérer votre compte {account} le {time}, depuis l’adresse {address}. La récupération n’a pas abouti.",
    ifYou: "Si c’était vous, vous pouvez réessayer ou contacter votre support informatique.",
  },
  notYou:
    "Si ce n’était pas vous, contactez immédiatement votre support informatique{contact} : quelqu’un d’autre essaie peut-être de prendre le contrôle de votre compte. Indiquez la référence {reference}.",
  admin: {
    subjectRecovered: "Compte récupéré : {account}",
    subjectFailed: "Échec de la récupération de compte après vérification d’identité : {account}",
    account: "Compte : {account} (ID d’objet {userId})",
    outcome: "Résultat : {outcome}",
    outcomeRecovered: "récupéré",
    outcomeFailed: "échec après vérification d’identité ({code})",
    time: "Heure : {time}",
    source: "Adresse source : {address}",
    recovery: "Récupération : {reference}",
    footer:
      "La piste d’audit de la récupération se trouve dans l’API d’administration. Le Temporary Access Pass n’est jamais envoyé par e-mail.",
  },
};

const es: NoticeStrings = {
  recovered: {
    subject: "Su cuenta se ha recuperado",
    what: "Los métodos de inicio de sesión de su cuenta {account} se restablecieron mediante la recuperación de cuentas autoservicio el {time}, desde la dirección {address}.",
    done: "Se cerraron todas sus sesiones y se emitió un Temporary Access Pass para registrar nuevos métodos de inicio de sesión.",
    ifYou: "Si fue usted, no tiene que hacer nada más.",
    undo: "Si no fue usted, abra este enlace para deshacer la recuperación y bloquear la recuperación autoservicio de la cuenta hasta que su servicio de asistencia técnica la desbloquee (funciona una sola vez, hasta el {expires}):\n{link}",
  },
  failed: {
    subject: "Un intento de recuperar su cuenta ha fallado",
    what: "Alguien superó la verificación de identidad e intentó recuperar su cuenta {account} el {time}, desde la dirección {address}. La recuperación no se completó.",
    ifYou:
      "Si fue usted, puede volver a intentarlo o ponerse en contacto con su servicio de asistencia técnica.",
  },
  notYou:
    "Si no fue usted, póngase en contacto de inmediato con su servicio de asistencia técnica{contact}: es posible que otra persona esté intentando hacerse con su cuenta. Indique la referencia {reference}.",
  admin: {
    subjectRecovered: "Cuenta recuperada: {account}",
    subjectFailed: "La recuperación de la cuenta falló tras la verificación de identidad: {account}",
    account: "Cuenta: {account} (id. de objeto {userId})",
    outcome: "Resultado: {outcome}",
    outcomeRecovered: "recuperada",
    outcomeFailed: "falló tras la verificación de identidad ({code})",
    time: "Hora: {time}",
    source: "Dirección de origen: {address}",
    recovery: "Recuperación: {reference}",
    footer:
      "El registro de auditoría de la recuperación está en la API de administración. El Temporary Access Pass nunca se envía por correo.",
  },
};

const ptBR: NoticeStrings = {
  recovered: {
    subject: "Sua conta foi recuperada",
    what: "Os métodos de entrada da sua conta {account} foram redefinidos pela recuperação de conta por autoatendimento em {time}, a partir do endereço {address}.",
    done: "Todas as suas sessões foram encerradas e um Temporary Access Pass foi emitido para registrar novos métodos de entrada.",
    ifYou: "Se foi você, não é preciso fazer mais nada.",
    undo: "Se não foi você, abra este link para desfazer a recuperação e bloquear a recuperação por autoatendimento da conta até que o suporte técnico a libere (ele funciona uma única vez, até {expires}):\n{link}",
  },
  failed: {
    subject: "Uma tentativa de recuperar sua conta falhou",
    what: "Alguém passou pela verificação de identidade e tentou recuperar sua conta {account} em {time}, a partir do endereço {address}. A recuperação não foi concluída.",
    ifYou: "Se foi você, tente novamente ou entre em contato com o suporte técnico.",
  },
  notYou:
    "Se não foi você, entre em contato imediatamente com o suporte técnico{contact}: outra pessoa pode estar tentando tomar sua conta. Informe a referência {reference}.",
  admin: {
    subjectRecovered: "Conta recuperada: {account}",
    subjectFailed: "A recuperação de conta falhou após a verificação de identidade: {account}",
    account: "Conta: {account} (ID de objeto {userId})",
    outcome: "Resultado: {outcome}",
    outcomeRecovered: "recuperada",
    outcomeFailed: "falhou após a verificação de identidade ({code})",
    time: "Horário: {time}",
    source: "Endereço de origem: {address}",
    recovery: "Recuperação: {reference}",
    footer:
      "A trilha de auditoria da recuperação está na API de administração. O Temporary Access Pass nunca é enviado por e-mail.",
  },
};

const ja: NoticeStrings = {
  recovered: {
    subject: "アカウントが回復されました",
    what: "アカウント {account} のサインイン方法が、{time} にアドレス {address} から、セルフサービスのアカウント回復によってリセットされました。",
    done: "すべてのセッションからサインアウトされ、新しいサインイン方法を登録するための Temporary Access Pass が発行されました。",
    ifYou: "ご自身による操作であれば、これ以上の対応は必要ありません。",
    undo: "ご自身による操作でない場合は、このリンクを開いて回復を取り消してください。IT ヘルプデスクが解除するまで、このアカウントのセルフサービス回復はブロックされます（リンクは {expires} まで、1 回だけ使用できます）:\n{link}",
  },
  failed: {
    subject: "アカウントの回復が試みられましたが、失敗しました",
    what: "{time} に、本人確認を通過した何者かがアドレス {address} からアカウント {account} の回復を試みました。回復は完了していません。",
    ifYou: "ご自身による操作であれば、もう一度お試しいただくか、IT ヘルプデスクにお問い合わせください。",
  },
  notYou:
    "ご自身による操作でない場合は、直ちに IT ヘルプデスク{contact}にご連絡ください。第三者がアカウントを乗っ取ろうとしている可能性があります。その際は参照番号 {reference} をお伝えください。",
  admin: {
    subjectRecovered: "アカウントが回復されました: {account}",
    subjectFailed: "本人確認後にアカウントの回復が失敗しました: {account}",
    account: "アカウント: {account}（オブジェクト ID {userId}）",
    outcome: "結果: {outcome}",
    outcomeRecovered: "回復済み",
    outcomeFailed: "本人確認後に失敗（{code}）",
    time: "日時: {time}",
    source: "送信元アドレス: {address}",
    recovery: "回復: {reference}",
    footer:
      "回復の監査証跡は管理 API で確認できます。Temporary Access Pass がメールで送信されることはありません。",
  },
};

const zhHans: NoticeStrings = {
  recovered: {
    subject: "您的帐户已恢复",
    what: "您的帐户 {account} 的登录方式已于 {time} 通过自助帐户恢复重置，操作来自地址 {address}。",
    done: "您的所有会话均已注销，并已颁发一个 Temporary Access Pass，用于注册新的登录方式。",
    ifYou: "如果是您本人操作，则无需执行任何其他操作。",
    undo: "如果不是您本人操作，请打开此链接撤销此次恢复，并在 IT 技术支持解除之前阻止此帐户的自助恢复（此链接仅可使用一次，有效期至 {expires}）：\n{link}",
  },
  failed: {
    subject: "有人尝试恢复您的帐户，但未成功",
    what: "有人通过了身份验证，并于 {time} 从地址 {address} 尝试恢复您的帐户 {account}。此次恢复未完成。",
    ifYou: "如果是您本人操作，您可以重试，或联系您的 IT 技术支持。",
  },
  notYou:
    "如果不是您本人操作，请立即联系您的 IT 技术支持{contact}：可能有其他人正在试图盗用您的帐户。请提供参考编号 {reference}。",
  admin: {
    subjectRecovered: "帐户已恢复：{account}",
    subjectFailed: "身份验证后帐户恢复失败：{account}",
    account: "帐户：{account}（对象 ID {userId}）",
    outcome: "结果：{outcome}",
    outcomeRecovered: "已恢复",
    outcomeFailed: "身份验证后失败（{code}）",
    time: "时间：{time}",
    source: "来源地址：{address}",
    recovery: "恢复：{reference}",
    footer: "恢复的审核记录可在管理 API 中查看。Temporary Access Pass 绝不会通过邮件发送。",
  },
};

const ar: NoticeStrings = {
  recovered: {
    subject: "تم استرداد حسابك",
    what: "أُعيد تعيين طرق تسجيل الدخول لحسابك {account} عبر الاسترداد الذاتي للحساب في {time}، من العنوان {address}.",
    done: "سُجّل خروجك من جميع جلساتك، وأُصدر Temporary Access Pass لتسجيل طرق تسجيل دخول جديدة.",
    ifYou: "إن كنت أنت من قام بذلك، فلا حاجة إلى أي إجراء آخر.",
    undo: "إن لم تكن أنت من قام بذلك، فافتح هذا الرابط للتراجع عن الاسترداد وحظر الاسترداد الذاتي لهذا الحساب إلى أن يرفع مكتب دعم تقنية المعلومات الحظر (يعمل الرابط مرة واحدة فقط، حتى {expires}):\n{link}",
  },
  failed: {
    subject: "فشلت محاولة لاسترداد حسابك",
    what: "اجتاز شخص ما التحقق من الهوية وحاول استرداد حسابك {account} في {time}، من العنوان {address}. لم تكتمل عملية الاسترداد.",
    ifYou: "إن كنت أنت من قام بذلك، فيمكنك المحاولة مرة أخرى أو التواصل مع مكتب دعم تقنية المعلومات.",
  },
  notYou:
    "إن لم تكن أنت من قام بذلك، فتواصل فورًا مع مكتب دعم تقنية المعلومات{contact}: فقد يحاول شخص آخر الاستيلاء على حسابك. واذكر المرجع {reference}.",
  admin: {
    subjectRecovered: "تم استرداد الحساب: {account}",
    subjectFailed: "فشل استرداد الحساب بعد التحقق من الهوية: {account}",
    account: "الحساب: {account} (معرّف الكائن {userId})",
    outcome: "النتيجة: {outcome}",
    outcomeRecovered: "تم الاسترداد",
    outcomeFailed: "فشل بعد التحقق من الهوية ({code})",
    time: "الوقت: {time}",
    source: "عنوان المصدر: {address}",
    recovery: "الاسترداد: {reference}",
    footer:
      "سجل التدقيق الخاص بعملية الاسترداد متاح في واجهة برمجة تطبيقات الإدارة. لا يُرسَل Temporary Access Pass بالبريد أبدًا.",
  },
};

export const NOTICE_STRINGS: Readonly<Record<Locale, NoticeStrings>> = {
  en,
  de,
  fr,
  es,
  "pt-BR": ptBR,
  ja,
  "zh-Hans": zhHans,
  ar,
};
