/**
 * The words of the "this wasn't me" page (functions/repudiationPage), per language of
 * recovery/locale.ts: the page speaks the language of the notice whose link opened it (`lang`
 * in the link), else the browser's, else the tenant's. Plain text with `{name}` placeholders:
 * the page fills and escapes every value. Every language has every key (the type) and every
 * placeholder of the English (tests/unit/repudiation.test.ts). The Temporary Access Pass keeps
 * its product name in every language.
 */
import type { Locale } from "../recovery/locale";

export interface RepudiationText {
  title: string;
  invalidTitle: string;
  invalidBody: string;
  openBody: string;
  openAsk: string;
  openIfYou: string;
  confirm: string;
  doneTitle: string;
  doneBody: string;
  alreadyTitle: string;
  alreadyBody: string;
  refusedTitle: string;
  refusedBody: string;
  unavailableTitle: string;
  unavailableBody: string;
}

export const REPUDIATION_TEXT: Readonly<Record<Locale, RepudiationText>> = {
  en: {
    title: "Was this you?",
    invalidTitle: "This link cannot be used",
    invalidBody:
      "This link is not valid, has expired, or belongs to another recovery. Nothing was changed. If you think someone else recovered your account, contact your IT help desk.",
    openBody:
      "The sign-in methods of the account {account} were reset through self-service account recovery on {time}.",
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
  },
  de: {
    title: "Waren Sie das?",
    invalidTitle: "Dieser Link kann nicht verwendet werden",
    invalidBody:
      "Dieser Link ist ungültig, abgelaufen oder gehört zu einer anderen Wiederherstellung. Es wurde nichts geändert. Wenn Sie vermuten, dass jemand anderes Ihr Konto wiederhergestellt hat, wenden Sie sich an Ihren IT-Helpdesk.",
    openBody:
      "Die Anmeldemethoden des Kontos {account} wurden am {time} über die Self-Service-Kontowiederherstellung zurückgesetzt.",
    openAsk:
      "Wenn Sie das nicht waren, bestätigen Sie unten. Wir löschen dann den Temporary Access Pass und jede seit der Wiederherstellung registrierte Anmeldemethode, melden das Konto überall ab, sperren die Self-Service-Wiederherstellung des Kontos, bis Ihr Helpdesk sie wieder freigibt, und alarmieren Ihre IT-Administratoren.",
    openIfYou: "Wenn Sie das waren, schließen Sie diese Seite: Es ändert sich nichts.",
    confirm: "Das war ich nicht: Wiederherstellung rückgängig machen",
    doneTitle: "Die Wiederherstellung wurde rückgängig gemacht",
    doneBody:
      "Die Wiederherstellung wurde rückgängig gemacht, und die Self-Service-Wiederherstellung des Kontos ist gesperrt. Ihre IT-Administratoren wurden alarmiert. Wenden Sie sich an Ihren IT-Helpdesk, um wieder Zugang zu Ihrem Konto zu erhalten.",
    alreadyTitle: "Das ist bereits geschehen",
    alreadyBody:
      "Diese Wiederherstellung wurde bereits rückgängig gemacht, und die Self-Service-Wiederherstellung des Kontos ist gesperrt. Wenden Sie sich an Ihren IT-Helpdesk, um wieder Zugang zu Ihrem Konto zu erhalten.",
    refusedTitle: "Diese Anfrage wurde abgelehnt",
    refusedBody:
      "Öffnen Sie den Link aus Ihrer Benachrichtigung erneut und bestätigen Sie auf dieser Seite. Es wurde nichts geändert.",
    unavailableTitle: "Bitte versuchen Sie es erneut",
    unavailableBody:
      "Die Wiederherstellung konnte gerade nicht vollständig rückgängig gemacht werden; die Self-Service-Wiederherstellung des Kontos ist bereits gesperrt. Versuchen Sie es in einigen Minuten erneut, oder wenden Sie sich an Ihren IT-Helpdesk.",
  },
  fr: {
    title: "Était-ce vous ?",
    invalidTitle: "Ce lien ne peut pas être utilisé",
    invalidBody:
      "Ce lien n’est pas valide, a expiré ou appartient à une autre récupération. Rien n’a été modifié. Si vous pensez que quelqu’un d’autre a récupéré votre compte, contactez votre support informatique.",
    openBody:
      "Les méthodes de connexion du compte {account} ont été réinitialisées par la récupération de compte en libre-service le {time}.",
    openAsk:
      "Si ce n’était pas vous, confirmez ci-dessous. Nous supprimons alors le Temporary Access Pass et toutes les méthodes de connexion enregistrées depuis la récupération, déconnectons le compte partout, bloquons la récupération en libre-service du compte jusqu’à ce que votre support informatique la rétablisse, et alertons vos administrateurs informatiques.",
    openIfYou: "Si c’était vous, fermez cette page : rien ne change.",
    confirm: "Ce n’était pas moi : annuler la récupération",
    doneTitle: "La récupération a été annulée",
    doneBody:
      "La récupération a été annulée et la récupération en libre-service du compte est bloquée. Vos administrateurs informatiques ont été alertés. Contactez votre support informatique pour retrouver l’accès à votre compte.",
    alreadyTitle: "C’est déjà fait",
    alreadyBody:
      "Cette récupération a déjà été annulée et la récupération en libre-service du compte est bloquée. Contactez votre support informatique pour retrouver l’accès à votre compte.",
    refusedTitle: "Cette demande a été refusée",
    refusedBody:
      "Ouvrez à nouveau le lien de votre notification et confirmez sur cette page. Rien n’a été modifié.",
    unavailableTitle: "Veuillez réessayer",
    unavailableBody:
      "La récupération n’a pas pu être entièrement annulée pour le moment ; la récupération en libre-service du compte est déjà bloquée. Réessayez dans quelques minutes ou contactez votre support informatique.",
  },
  es: {
    title: "¿Fue usted?",
    invalidTitle: "Este enlace no se puede usar",
    invalidBody:
      "Este enlace no es válido, ha caducado o pertenece a otra recuperación. No se cambió nada. Si cree que otra persona recuperó su cuenta, póngase en contacto con su servicio de asistencia técnica.",
    openBody:
      "Los métodos de inicio de sesión de la cuenta {account} se restablecieron mediante la recuperación de cuentas autoservicio el {time}.",
    openAsk:
      "Si no fue usted, confírmelo abajo. Entonces eliminaremos el Temporary Access Pass y todos los métodos de inicio de sesión registrados desde la recuperación, cerraremos todas las sesiones de la cuenta, bloquearemos la recuperación autoservicio de la cuenta hasta que su servicio de asistencia técnica la desbloquee y avisaremos a sus administradores de TI.",
    openIfYou: "Si fue usted, cierre esta página: no cambia nada.",
    confirm: "No fui yo: deshacer la recuperación",
    doneTitle: "La recuperación se deshizo",
    doneBody:
      "La recuperación se deshizo y la recuperación autoservicio de la cuenta está bloqueada. Se avisó a sus administradores de TI. Póngase en contacto con su servicio de asistencia técnica para volver a acceder a su cuenta.",
    alreadyTitle: "Esto ya se hizo",
    alreadyBody:
      "Esta recuperación ya se deshizo y la recuperación autoservicio de la cuenta está bloqueada. Póngase en contacto con su servicio de asistencia técnica para volver a acceder a su cuenta.",
    refusedTitle: "Se rechazó esta solicitud",
    refusedBody: "Vuelva a abrir el enlace de su notificación y confirme en esa página. No se cambió nada.",
    unavailableTitle: "Vuelva a intentarlo",
    unavailableBody:
      "No se pudo deshacer la recuperación por completo en este momento; la recuperación autoservicio de la cuenta ya está bloqueada. Vuelva a intentarlo en unos minutos o póngase en contacto con su servicio de asistencia técnica.",
  },
  "pt-BR": {
    title: "Foi você?",
    invalidTitle: "Este link não pode ser usado",
    invalidBody:
      "Este link não é válido, expirou ou pertence a outra recuperação. Nada foi alterado. Se você acha que outra pessoa recuperou sua conta, entre em contato com o suporte técnico.",
    openBody:
      "Os métodos de entrada da conta {account} foram redefinidos pela recuperação de conta por autoatendimento em {time}.",
    openAsk:
      "Se não foi você, confirme abaixo. Em seguida, excluiremos o Temporary Access Pass e todos os métodos de entrada registrados desde a recuperação, encerraremos todas as sessões da conta, bloquearemos a recuperação por autoatendimento da conta até que o suporte técnico a libere e alertaremos seus administradores de TI.",
    openIfYou: "Se foi você, feche esta página: nada muda.",
    confirm: "Não fui eu: desfazer a recuperação",
    doneTitle: "A recuperação foi desfeita",
    doneBody:
      "A recuperação foi desfeita e a recuperação por autoatendimento da conta está bloqueada. Seus administradores de TI foram alertados. Entre em contato com o suporte técnico para voltar a acessar sua conta.",
    alreadyTitle: "Isso já foi feito",
    alreadyBody:
      "Esta recuperação já foi desfeita e a recuperação por autoatendimento da conta está bloqueada. Entre em contato com o suporte técnico para voltar a acessar sua conta.",
    refusedTitle: "Esta solicitação foi recusada",
    refusedBody: "Abra novamente o link da sua notificação e confirme nessa página. Nada foi alterado.",
    unavailableTitle: "Tente novamente",
    unavailableBody:
      "Não foi possível desfazer completamente a recuperação agora; a recuperação por autoatendimento da conta já está bloqueada. Tente novamente em alguns minutos ou entre em contato com o suporte técnico.",
  },
  ja: {
    title: "ご自身による操作ですか？",
    invalidTitle: "このリンクは使用できません",
    invalidBody:
      "このリンクは無効か、有効期限が切れているか、別の回復のものです。何も変更されていません。第三者がアカウントを回復したと思われる場合は、IT ヘルプデスクにお問い合わせください。",
    openBody:
      "アカウント {account} のサインイン方法が、{time} にセルフサービスのアカウント回復によってリセットされました。",
    openAsk:
      "ご自身による操作でない場合は、下のボタンで確定してください。Temporary Access Pass と回復以降に登録されたすべてのサインイン方法を削除し、すべてのセッションからアカウントをサインアウトし、ヘルプデスクが解除するまでこのアカウントのセルフサービス回復をブロックして、IT 管理者に通知します。",
    openIfYou: "ご自身による操作であれば、このページを閉じてください。何も変更されません。",
    confirm: "自分ではありません: 回復を取り消す",
    doneTitle: "回復を取り消しました",
    doneBody:
      "回復を取り消し、このアカウントのセルフサービス回復をブロックしました。IT 管理者に通知しました。アカウントに再びアクセスするには、IT ヘルプデスクにお問い合わせください。",
    alreadyTitle: "この操作はすでに完了しています",
    alreadyBody:
      "この回復はすでに取り消されており、このアカウントのセルフサービス回復はブロックされています。アカウントに再びアクセスするには、IT ヘルプデスクにお問い合わせください。",
    refusedTitle: "この要求は拒否されました",
    refusedBody:
      "通知に記載されたリンクをもう一度開き、そのページで確定してください。何も変更されていません。",
    unavailableTitle: "もう一度お試しください",
    unavailableBody:
      "現在、回復を完全には取り消せませんでした。このアカウントのセルフサービス回復はすでにブロックされています。数分後にもう一度お試しいただくか、IT ヘルプデスクにお問い合わせください。",
  },
  "zh-Hans": {
    title: "这是您本人的操作吗？",
    invalidTitle: "此链接无法使用",
    invalidBody:
      "此链接无效、已过期或属于其他恢复。未进行任何更改。如果您认为有其他人恢复了您的帐户，请联系您的 IT 技术支持。",
    openBody: "帐户 {account} 的登录方式已于 {time} 通过自助帐户恢复重置。",
    openAsk:
      "如果不是您本人操作，请在下方确认。随后，我们将删除 Temporary Access Pass 以及自恢复以来注册的所有登录方式，将该帐户从所有会话中注销，在 IT 技术支持解除之前阻止该帐户的自助恢复，并通知您的 IT 管理员。",
    openIfYou: "如果是您本人操作，请关闭此页面：不会有任何更改。",
    confirm: "不是我本人：撤销恢复",
    doneTitle: "已撤销恢复",
    doneBody:
      "已撤销恢复，并已阻止该帐户的自助恢复。已通知您的 IT 管理员。请联系您的 IT 技术支持以重新访问您的帐户。",
    alreadyTitle: "此操作已完成",
    alreadyBody: "此恢复已被撤销，该帐户的自助恢复已被阻止。请联系您的 IT 技术支持以重新访问您的帐户。",
    refusedTitle: "此请求已被拒绝",
    refusedBody: "请重新打开通知中的链接，并在该页面上确认。未进行任何更改。",
    unavailableTitle: "请重试",
    unavailableBody:
      "目前无法完全撤销此次恢复；该帐户的自助恢复已被阻止。请几分钟后重试，或联系您的 IT 技术支持。",
  },
  ar: {
    title: "هل كنت أنت؟",
    invalidTitle: "لا يمكن استخدام هذا الرابط",
    invalidBody:
      "هذا الرابط غير صالح، أو انتهت صلاحيته، أو يخص عملية استرداد أخرى. لم يتغير أي شيء. إن كنت تعتقد أن شخصًا آخر استرد حسابك، فتواصل مع مكتب دعم تقنية المعلومات.",
    openBody: "أُعيد تعيين طرق تسجيل الدخول للحساب {account} عبر الاسترداد الذاتي للحساب في {time}.",
    openAsk:
      "إن لم تكن أنت من قام بذلك، فأكّد أدناه. سنحذف عندئذٍ Temporary Access Pass وكل طريقة تسجيل دخول سُجّلت منذ الاسترداد، ونسجّل خروج الحساب من كل مكان، ونحظر الاسترداد الذاتي للحساب إلى أن يرفع مكتب الدعم الحظر، وننبّه مسؤولي تقنية المعلومات لديك.",
    openIfYou: "إن كنت أنت من قام بذلك، فأغلق هذه الصفحة: لن يتغير شيء.",
    confirm: "لم أكن أنا: التراجع عن الاسترداد",
    doneTitle: "تم التراجع عن الاسترداد",
    doneBody:
      "تم التراجع عن الاسترداد، وحُظر الاسترداد الذاتي للحساب. تم تنبيه مسؤولي تقنية المعلومات لديك. تواصل مع مكتب دعم تقنية المعلومات لاستعادة الوصول إلى حسابك.",
    alreadyTitle: "تم ذلك بالفعل",
    alreadyBody:
      "تم التراجع عن هذا الاسترداد من قبل، والاسترداد الذاتي للحساب محظور. تواصل مع مكتب دعم تقنية المعلومات لاستعادة الوصول إلى حسابك.",
    refusedTitle: "تم رفض هذا الطلب",
    refusedBody: "افتح الرابط الوارد في الإشعار مرة أخرى وأكّد في تلك الصفحة. لم يتغير أي شيء.",
    unavailableTitle: "يُرجى المحاولة مرة أخرى",
    unavailableBody:
      "تعذّر التراجع عن الاسترداد بالكامل الآن؛ الاسترداد الذاتي للحساب محظور بالفعل. حاول مرة أخرى بعد بضع دقائق، أو تواصل مع مكتب دعم تقنية المعلومات.",
  },
};
