/** The recovery page in Japanese (です/ます), key for key as ./en.ts. */
import type { Translation } from "./en";

export const ja = {
  lang: "ja",
  appName: "アカウントの回復",
  language: "言語",
  noScript: "アカウントを回復するには、このページで JavaScript を有効にしてください。",

  start: {
    title: "アカウントを回復する",
    intro:
      "スマートフォン、認証アプリ、セキュリティ キーを紛失しましたか？本人確認書類でご本人であることを証明すると、職場のアカウントに再びアクセスできます。",
    usernameLabel: "職場のアカウント",
    usernameHint: "サインインに使うアドレス（例: name@company.co.jp）",
    submit: "続行",
    starting: "開始しています…",
    invalidUsername: "サインインに使うアドレスを入力してください（例: name@company.co.jp）。",
    rateLimited: "試行回数が多すぎます。{duration}後にもう一度お試しください。",
    unavailable: "現在サービスに接続できません。接続を確認して、もう一度お試しください。",
  },

  explain: {
    title: "これからの流れ",
    intro: "約 5 分かかります。次のものをご用意ください:",
    steps: [
      {
        title: "本人確認書類",
        body: "パスポート、国民 ID カード、または運転免許証。確認パートナーが撮影します。",
      },
      {
        title: "自撮り",
        body: "顔の短いライブ動画または写真。書類の写真と照合されます。",
      },
      {
        title: "スマートフォンの Microsoft Authenticator",
        body: "パートナーが確認済み ID を追加します。その後、簡単な顔認証とともにその ID を提示していただきます。",
      },
    ],
    after:
      "すべて一致すると、以前のサインイン方法を削除し、新しい方法を設定するための Temporary Access Pass をお渡しします。",
    checking: "アカウントを確認しています…",
    go: "{provider} に進む",
    goGeneric: "本人確認に進む",
    providerNote: "このページを離れ、完了後にこのページに戻ります。",
  },

  verifying: {
    title: "確認結果を待っています",
    body: "パートナーに確認結果を問い合わせています。通常 1 分以内に終わります。",
    notDone: "パートナーでの手続きが終わっていませんか？",
    until: "{time} までパートナーのページに戻れます。",
    goBack: "本人確認に戻る",
    goBackEnd: "。",
    goingBack: "パートナーへの新しいリンクを開いています…",
    goBackFailed:
      "パートナーへの新しいリンクを開けませんでした。しばらくしてからもう一度お試しいただくか、キャンセルしてください。",
  },

  present: {
    title: "確認済み ID を提示してください",
    body: "スマートフォンで Microsoft Authenticator を開き、このコードをスキャンしてください。Authenticator から自撮りと確認済み ID の共有を求められます。",
    qrAlt: "Microsoft Authenticator でスキャンする QR コード",
    sameDevice: "このスマートフォンをお使いですか？Microsoft Authenticator を開く",
    openWallet: "Microsoft Authenticator を開く",
    expiresIn: "この要求の有効期限まであと {remaining} です。",
    expired: "この要求は期限切れです。新しい要求を準備しています…",
    opened: "ウォレットで要求が開かれました。スマートフォンで完了してください。",
    noQr: "Microsoft Authenticator が入っているスマートフォンで、次のリンクを開いてください。",
  },

  validating: {
    title: "確認済み ID を確認しています",
    body: "資格情報を確認し、アカウントと照合しています。このページを開いたままにしてください。",
  },

  tap: {
    title: "アカウントが回復しました",
    intro: "この Temporary Access Pass でサインインし、新しいサインイン方法を設定してください。",
    label: "Temporary Access Pass",
    onceWarning: "一度しか表示されません。今すぐコピーするか書き留めてください。",
    copy: "コピー",
    copied: "クリップボードにコピーしました。",
    copyFailed: "コピーできませんでした。パスを選択して、ご自身でコピーしてください。",
    expiresIn: "有効期限まであと {remaining} です。",
    expired: "このパスは期限切れです。",
    usableOnce: "1 回のサインインに使えます。",
    usableMany: "有効期限までは複数回のサインインに使えます。",
    register: "新しいサインイン方法を設定する",
    registerNote:
      "[マイ サインイン] が開きます。パスでサインインし、認証アプリまたはセキュリティ キーを追加してください。",
    done: "保存しました",
    undecryptable:
      "アカウントは回復しましたが、このブラウザーでは Temporary Access Pass を開けませんでした。新しいパスについてはヘルプデスクにお問い合わせください。",
  },

  recoveredEarlier: {
    title: "アカウントが回復しました",
    body: "Temporary Access Pass は以前に一度表示されています。保存していない場合は、新しいパスについてヘルプデスクにお問い合わせください。",
  },

  done: {
    title: "準備が整いました",
    body: "有効期限が切れる前に、Temporary Access Pass でサインインして新しいサインイン方法を追加してください。先に期限が切れた場合は、ヘルプデスクにお問い合わせください。",
    register: "新しいサインイン方法を設定する",
  },

  evaluation: {
    title: "本人確認が完了しました",
    body: "このサービスは評価モードで動作しています。アカウントには何も変更されておらず、Temporary Access Pass も発行されていません。",
    next: "管理者がアカウントの回復をテストしています。アクセスを取り戻すには、ヘルプデスクにお問い合わせください。",
  },

  verification: {
    after:
      "すべて一致すると、本人確認が完了したことがヘルプデスクに表示されます。アカウントには何も変更されません。",
    invalid: {
      title: "この確認リンクは使用できません",
      body: "すでに使用されたか、有効期限が切れている可能性があります。リンクは 1 回だけ、短時間のみ使用できます。",
      next: "ヘルプデスクに新しいリンクを依頼してください。",
    },
    verified: {
      title: "本人確認が完了しました",
      body: "本人確認が完了したことがヘルプデスクに表示されるようになりました。アカウントには何も変更されていません。",
      next: "ヘルプデスクの担当者に完了したことをお伝えください。このページは閉じてかまいません。",
    },
    offer: {
      title: "本人確認が完了しました",
      body: "本人確認が完了したことがヘルプデスクに表示されるようになりました。このままアカウントを回復することもできます。以前のサインイン方法を削除し、すべてのセッションからサインアウトして、Temporary Access Pass をこのページにのみ表示します。",
      recover: "今すぐアカウントを回復する",
      until: "この選択の有効期限まであと {remaining} です。",
      expired: "この選択は有効期限が切れました。",
      recovering: "回復しています…",
      decline: "本人であることを証明するだけでよい場合は、このページを閉じてかまいません。",
    },
  },

  lost: {
    title: "この回復はここでは続行できません",
    body: "この回復は別のブラウザーまたはタブで開始されたか、すでに終了しています。安全のため、開始した場所でのみ続行できます。",
  },

  failures: {
    not_eligible: {
      title: "このアカウントはここでは回復できません",
      body: "このアカウントではセルフサービスによる回復を利用できません。",
      next: "ヘルプデスクにお問い合わせください。アクセスの回復をお手伝いします。",
    },
    idv_declined: {
      title: "本人確認ができませんでした",
      body: "確認パートナーは、書類と自撮りからご本人であることを確認できませんでした。",
      next: "有効なパスポート、国民 ID カード、または運転免許証を使い、明るい場所で書類全体が写るようにして、もう一度お試しください。",
    },
    idv_timeout: {
      title: "本人確認に時間がかかりすぎました",
      body: "確認パートナーから時間内に結果を受け取れませんでした。",
      next: "最初からやり直し、確認を中断せずに完了してください。",
    },
    idv_expired: {
      title: "確認セッションの期限が切れました",
      body: "確認パートナーでのセッションが、完了する前に期限切れになりました。",
      next: "最初からやり直し、確認を中断せずに完了してください。",
    },
    idv_provider_error: {
      title: "確認パートナーで問題が発生しました",
      body: "パートナー側のエラーのため、確認を完了できませんでした。",
      next: "数分後にもう一度お試しください。",
    },
    idv_error: {
      title: "本人確認を開始できませんでした",
      body: "確認パートナーとのセッションを開始できませんでした。",
      next: "数分後にもう一度お試しください。繰り返し発生する場合は、ヘルプデスクにお問い合わせください。",
    },
    presentation_timeout: {
      title: "確認済み ID が時間内に共有されませんでした",
      body: "要求の期限が切れる前に、Microsoft Authenticator から確認済み ID を受け取れませんでした。",
      next: "最初からやり直してください。QR コードの画面になったら、スマートフォンで Authenticator を開いたままにしてください。",
    },
    presentation_rejected: {
      title: "確認済み ID が共有されませんでした",
      body: "Microsoft Authenticator での要求が拒否されたか、完了できませんでした。",
      next: "最初からやり直し、Authenticator で要求を承諾してください。",
    },
    face_check_failed: {
      title: "顔が書類と一致しませんでした",
      body: "Microsoft Authenticator で撮影した自撮りが、本人確認書類の写真と十分に一致しませんでした。",
      next: "明るく均一な光の下で、カメラに正対し、眼鏡、帽子、マスクを外してもう一度お試しください。",
    },
    credential_invalid: {
      title: "確認済み ID を受け付けられません",
      body: "共有された確認済み ID は、受け付け対象ではありません。",
      next: "最初からやり直し、今回の回復中にパートナーが発行した確認済み ID を共有してください。",
    },
    credential_revoked: {
      title: "確認済み ID は取り消されています",
      body: "共有された確認済み ID は、発行者によって取り消されています。",
      next: "最初からやり直して本人確認を行い、新しい ID を取得してください。",
    },
    credential_expired: {
      title: "確認済み ID の有効期限が切れています",
      body: "共有された確認済み ID は有効期限を過ぎています。",
      next: "最初からやり直して本人確認を行い、新しい ID を取得してください。",
    },
    credential_stale: {
      title: "確認済み ID は以前の確認で発行されたものです",
      body: "共有された確認済み ID はこの回復の開始前に発行されたため、今回ご本人が確認を行ったことを示していません。",
      next: "最初からやり直してパートナーでの確認を完了し、Microsoft Authenticator に追加された新しい確認済み ID を共有してください。",
    },
    profile_mismatch: {
      title: "確認された氏名がこのアカウントと一致しません",
      body: "本人確認書類の氏名が、このアカウントに登録されている氏名と異なります。",
      next: "ご自身の職場のアカウントを入力したかご確認ください。ご自身のアカウントである場合は、ディレクトリの氏名の修正をヘルプデスクに依頼してください。",
    },
    profile_ambiguous: {
      title: "確認された氏名が複数のアカウントに一致します",
      body: "本人確認書類の氏名が組織内の複数のアカウントに一致するため、どれがご自身のアカウントか判断できません。",
      next: "ヘルプデスクにお問い合わせください。別の方法でアカウントを確認できます。どのアカウントも変更されていません。",
    },
    tap_policy_blocked: {
      title: "Temporary Access Pass を発行できませんでした",
      body: "本人確認は完了しましたが、組織の設定により、このアカウントには Temporary Access Pass を発行できません。",
      next: "ヘルプデスクにお問い合わせください。アカウントには何も変更されていません。",
    },
    directory_error: {
      title: "回復を完了できませんでした",
      body: "本人確認は完了しましたが、ディレクトリが変更を受け付けませんでした。",
      next: "ヘルプデスクにお問い合わせのうえ、アカウントの回復が完了しなかったことをお伝えください。",
    },
    verified_id_error: {
      title: "確認済み ID を要求できませんでした",
      body: "Microsoft Authenticator 向けの要求を作成できませんでした。",
      next: "数分後にもう一度お試しください。繰り返し発生する場合は、ヘルプデスクにお問い合わせください。",
    },
    cancelled: {
      title: "回復を取り消しました",
      body: "アカウントには何も変更されていません。",
      next: "いつでも最初からやり直せます。",
    },
    superseded: {
      title: "新しい回復に置き換えられました",
      body: "このアカウントの回復が、別のタブまたはブラウザーで再び開始されました。アカウントには何も変更されていません。",
      next: "再開した場所で続けるか、ここで最初からやり直してください。",
    },
    internal_error: {
      title: "問題が発生しました",
      body: "こちら側の予期しないエラーのため、回復が停止しました。",
      next: "もう一度お試しください。再び発生する場合は、ヘルプデスクにお問い合わせください。",
    },
  },

  unknownFailure: {
    title: "回復を完了できませんでした",
    next: "もう一度お試しください。再び発生する場合は、ヘルプデスクにお問い合わせください。",
  },

  actions: {
    tryAgain: "最初からやり直す",
    cancel: "回復を取り消す",
    cancelling: "取り消しています…",
  },

  connection: {
    reconnecting: "接続が切れました。再接続しています…",
    restored: "接続が回復しました。",
  },

  status: {
    pending: "アカウントを確認しています…",
    verifying_identity: "本人確認を待っています。",
    awaiting_presentation: "確認済み ID を待っています。",
    validating: "確認済み ID を確認しています…",
  },
} as const satisfies Translation;
