/**
 * The words of the helpdesk verification link's mail (./verification.ts `verificationNotice`),
 * per language of ./locale.ts, like the recovery notices' (./noticeStrings.ts): plain text with
 * `{name}` placeholders; every language has every key and placeholder of the English (the
 * translations test checks). Kept apart from the recovery notices: a different mail, sent by an
 * agent's request before any recovery exists.
 *
 * `changes` must stay true whatever the account's profile says: verifying changes nothing, and
 * where the profile allows recovery after verification the caller is offered it and chooses.
 */
import type { Locale } from "./locale";

export interface VerificationNoticeStrings {
  subject: string;
  /** `{account}`: the user principal name. */
  asked: string;
  /** `{expires}`: until when the link works; `{link}` on its own line. */
  open: string;
  changes: string;
  /** `{contact}`: " (address)" when an admin address is configured, else empty. */
  notYou: string;
}

const en: VerificationNoticeStrings = {
  subject: "Your help desk asked to verify your identity",
  asked: "Your IT help desk asked to verify that you are the owner of the account {account}.",
  open: "If you are on the phone with them now, open this link and follow the steps (it works once, until {expires}):\n{link}",
  changes:
    "Verifying your identity changes nothing on your account. If your organization allows it, you may then be offered to recover your account (new sign-in methods): that happens only if you choose it.",
  notYou:
    "If you did not contact your help desk, do not open the link, and tell your IT help desk{contact}: someone may be trying to take over your account.",
};

const de: VerificationNoticeStrings = {
  subject: "Ihr Helpdesk möchte Ihre Identität prüfen",
  asked: "Ihr IT-Helpdesk möchte prüfen, ob Sie der Inhaber des Kontos {account} sind.",
  open: "Wenn Sie gerade mit dem Helpdesk telefonieren, öffnen Sie diesen Link und folgen Sie den Schritten (er funktioniert einmal, bis {expires}):\n{link}",
  changes:
    "Die Identitätsprüfung ändert nichts an Ihrem Konto. Wenn Ihre Organisation es erlaubt, wird Ihnen danach womöglich angeboten, Ihr Konto wiederherzustellen (neue Anmeldemethoden): Das geschieht nur, wenn Sie es selbst wählen.",
  notYou:
    "Wenn Sie sich nicht an Ihren Helpdesk gewandt haben, öffnen Sie den Link nicht und informieren Sie Ihren IT-Helpdesk{contact}: Möglicherweise versucht jemand, Ihr Konto zu übernehmen.",
};

const fr: VerificationNoticeStrings = {
  subject: "Votre support informatique demande à vérifier votre identité",
  asked: "Votre support informatique demande à vérifier que vous êtes bien le titulaire du compte {account}.",
  open: "Si vous êtes en ce moment au téléphone avec lui, ouvrez ce lien et suivez les étapes (il ne fonctionne qu’une fois, jusqu’au {expires}) :\n{link}",
  changes:
    "La vérification de votre identité ne modifie rien sur votre compte. Si votre organisation l’autorise, il pourra ensuite vous être proposé de récupérer votre compte (nouvelles méthodes de connexion) : cela n’a lieu que si vous le choisissez.",
  notYou:
    "Si vous n’avez pas contacté votre support informatique, n’ouvrez pas le lien et prévenez votre support informatique{contact} : quelqu’un essaie peut-être de prendre le contrôle de votre compte.",
};

const es: VerificationNoticeStrings = {
  subject: "Su servicio de asistencia técnica solicita verificar su identidad",
  asked:
    "Su servicio de asistencia técnica solicita verificar que usted es el titular de la cuenta {account}.",
  open: "Si está hablando con ellos por teléfono ahora, abra este enlace y siga los pasos (funciona una sola vez, hasta el {expires}):\n{link}",
  changes:
    "Verificar su identidad no cambia nada en su cuenta. Si su organización lo permite, es posible que después se le ofrezca recuperar su cuenta (nuevos métodos de inicio de sesión): eso solo ocurre si usted lo elige.",
  notYou:
    "Si no se ha puesto en contacto con su servicio de asistencia técnica, no abra el enlace e infórmele{contact}: es posible que alguien esté intentando hacerse con su cuenta.",
};

const ptBR: VerificationNoticeStrings = {
  subject: "O suporte técnico pediu para verificar sua identidade",
  asked: "O suporte técnico pediu para verificar se você é o titular da conta {account}.",
  open: "Se você está ao telefone com o suporte agora, abra este link e siga as etapas (ele funciona uma única vez, até {expires}):\n{link}",
  changes:
    "Verificar sua identidade não altera nada na sua conta. Se sua organização permitir, poderá ser oferecida em seguida a recuperação da sua conta (novos métodos de entrada): isso só acontece se você escolher.",
  notYou:
    "Se você não entrou em contato com o suporte técnico, não abra o link e avise o suporte técnico{contact}: alguém pode estar tentando tomar sua conta.",
};

const ja: VerificationNoticeStrings = {
  subject: "ヘルプデスクから本人確認の依頼が届いています",
  asked: "IT ヘルプデスクから、あなたがアカウント {account} の所有者であることを確認する依頼がありました。",
  open: "現在ヘルプデスクと通話中の場合は、このリンクを開いて手順に従ってください（リンクは {expires} まで、1 回だけ使用できます）:\n{link}",
  changes:
    "本人確認によってアカウントが変更されることはありません。組織が許可している場合は、その後アカウントの回復（新しいサインイン方法の登録）を提案されることがありますが、回復はご自身で選んだ場合にのみ行われます。",
  notYou:
    "ヘルプデスクに連絡していない場合は、リンクを開かずに IT ヘルプデスク{contact}にお知らせください。第三者がアカウントを乗っ取ろうとしている可能性があります。",
};

const zhHans: VerificationNoticeStrings = {
  subject: "IT 技术支持请求验证您的身份",
  asked: "您的 IT 技术支持请求验证您是否为帐户 {account} 的所有者。",
  open: "如果您正在与他们通话，请打开此链接并按步骤操作（此链接仅可使用一次，有效期至 {expires}）：\n{link}",
  changes:
    "验证身份不会更改您帐户的任何内容。如果您的组织允许，之后可能会为您提供恢复帐户（设置新的登录方式）的选项：只有在您自己选择时才会进行恢复。",
  notYou:
    "如果您没有联系过 IT 技术支持，请不要打开此链接，并告知您的 IT 技术支持{contact}：可能有人正在试图盗用您的帐户。",
};

const ar: VerificationNoticeStrings = {
  subject: "طلب مكتب الدعم التحقق من هويتك",
  asked: "طلب مكتب دعم تقنية المعلومات التحقق من أنك مالك الحساب {account}.",
  open: "إن كنت تتحدث معهم عبر الهاتف الآن، فافتح هذا الرابط واتبع الخطوات (يعمل الرابط مرة واحدة فقط، حتى {expires}):\n{link}",
  changes:
    "لا يغيّر التحقق من هويتك شيئًا في حسابك. وإن سمحت مؤسستك بذلك، فقد يُعرض عليك بعده استرداد حسابك (طرق تسجيل دخول جديدة): ولا يحدث ذلك إلا إذا اخترته بنفسك.",
  notYou:
    "إن لم تتواصل مع مكتب الدعم، فلا تفتح الرابط، وأبلغ مكتب دعم تقنية المعلومات{contact}: فقد يحاول شخص ما الاستيلاء على حسابك.",
};

export const VERIFICATION_NOTICE_STRINGS: Record<Locale, VerificationNoticeStrings> = {
  en,
  de,
  fr,
  es,
  "pt-BR": ptBR,
  ja,
  "zh-Hans": zhHans,
  ar,
};
