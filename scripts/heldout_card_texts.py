"""Held-out card texts for choosing a text model: 240 cards' worth of what holders and offices
write on help cards — messages, names in kanji and kana, how to help, what to avoid, medicines,
allergies, hospitals, support offices, contacts and phone numbers, in Japanese (kanji, kana,
Latin mixed), やさしい日本語 and English — none of it from the model's training data (wordfreq's
lists and the vocabulary labels) nor from the reference profiles the sizes are also reported
on. Cards are put together from the lists below with a fixed seed, so the set is the same on
every run.

    from heldout_card_texts import cards   # [[public texts], [private texts]] per card
"""
import random

FAMILY = ["佐々木", "高橋", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山口",
          "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田", "橋本", "阿部",
          "石川", "前田", "藤田", "小川", "岡田", "後藤", "長谷川", "石井", "村上", "近藤"]
FAMILY_KANA = ["ささき", "たかはし", "わたなべ", "いとう", "やまもと", "なかむら", "こばやし", "かとう",
               "よしだ", "やまぐち", "まつもと", "いのうえ", "きむら", "はやし", "しみず", "やまざき",
               "もり", "いけだ", "はしもと", "あべ", "いしかわ", "まえだ", "ふじた", "おがわ", "おかだ",
               "ごとう", "はせがわ", "いしい", "むらかみ", "こんどう"]
GIVEN = [("翔太", "しょうた"), ("陽菜", "ひな"), ("蓮", "れん"), ("結衣", "ゆい"), ("大輝", "だいき"),
         ("美咲", "みさき"), ("悠人", "ゆうと"), ("さくら", "さくら"), ("和子", "かずこ"), ("茂", "しげる"),
         ("恵美", "えみ"), ("隆", "たかし"), ("直樹", "なおき"), ("由美子", "ゆみこ"), ("健一", "けんいち"),
         ("智子", "ともこ"), ("拓海", "たくみ"), ("愛", "あい"), ("誠", "まこと"), ("千尋", "ちひろ")]
FOREIGN = [("Nguyen Van An", "グエン・ヴァン・アン"), ("Maria Santos", "マリア・サントス"),
           ("Li Wei", "リ・ウェイ"), ("Anna Kowalski", "アンナ・コヴァルスキ"),
           ("Rahul Sharma", "ラフル・シャルマ"), ("Kim Min-jun", "キム・ミンジュン")]
MESSAGES = [
    "耳が聞こえません。筆談でお願いします。", "目が見えにくいです。声をかけてから腕を貸してください。",
    "知的障害があります。ゆっくり短い言葉で話してください。", "パニックになったら、静かな所で少し待ってください。",
    "人工透析を受けています。", "車いすを使っています。段差があるときは手伝ってください。",
    "言葉がうまく出ないことがあります。急かさないでください。", "てんかんの発作があります。5分以上続いたら救急車を。",
    "心臓にペースメーカーが入っています。", "糖尿病です。具合が悪そうならジュースをください。",
    "聴覚過敏があります。大きな音が苦手です。", "日本語が少し話せます。やさしい日本語でお願いします。",
    "わたしは みみが きこえません。かみに かいて ください。", "こまったら ここに でんわ して ください。",
    "I cannot hear. Please write to me.", "I have autism. Loud places are hard for me.",
    "I speak a little Japanese. Please speak slowly.", "Hearing aid user: please face me when you speak.",
    "高次脳機能障害があります。覚えるのが苦手なので、メモに書いてください。", "内部障害があり、疲れやすいです。座れる場所へ。",
]
HOW = [
    "名前を呼んでから、肩を軽くたたいてください。", "指示は一つずつ、絵や文字で見せてください。",
    "発作のときは頭の下にタオルを入れ、体を横に向けてください。無理に押さえないでください。",
    "低血糖のときはブドウ糖を口に入れてください（左のポケット）。", "筆談ボードがリュックに入っています。",
    "タブレットの音声アプリで話せます。少し時間をください。", "落ち着くまで5〜10分、そばにいてください。",
    "白杖を使っています。腕を持たせて半歩前を歩いてください。", "人工肛門（ストーマ）があります。トイレを案内してください。",
    "胃ろうから栄養をとっています。口から食べ物を与えないでください。", "酸素ボンベを使っています。火気に注意してください。",
    "Please show me pictures or write simple words.", "If I faint, lay me on my side and call my family.",
    "ゆっくり はなして ください。わからない ときは もう いちど いいます。",
]
AVOID = ["大きな声で話しかけない", "急に体を触らない", "暗い所に一人にしない", "たくさんの質問を一度にしない",
         "後ろから声をかけない", "抱きかかえない（骨がもろいです）", "フラッシュ撮影をしない", "Do not grab my arm"]
MEDICINES = ["デパケンR錠200mg 1日2回", "イーケプラ錠500mg 朝夕", "ラミクタール錠25mg", "インスリン グラルギン 12単位 就寝前",
             "ノボラピッド注 食直前", "ワーファリン錠1mg（血が止まりにくい）", "リスパダール内用液 1mL", "エビリファイ錠3mg",
             "メトホルミン塩酸塩錠250mg", "アムロジピン錠5mg 朝", "ストラテラカプセル25mg", "ダイアップ坐剤6（発作時）",
             "Levetiracetam 500 mg twice daily", "Insulin lispro before meals", "Salbutamol inhaler as needed"]
ALLERGIES = ["ペニシリン系抗生物質", "卵・乳製品", "そば", "ラテックス（ゴム手袋）", "造影剤", "アスピリン", "ピーナッツ", "Shellfish"]
HOSPITALS = [("武蔵野赤十字病院", "0422-32-3111"), ("杏林大学医学部付属病院", "0422-47-5511"),
             ("三鷹中央病院", "0422-44-7171"), ("東京都立多摩総合医療センター", "042-323-5111"),
             ("吉祥寺南病院", "0422-46-3211"), ("国立精神・神経医療研究センター病院", "042-341-2711"),
             ("さくら小児クリニック", "0422-55-0123"), ("みどり内科・透析クリニック", "042-300-4567")]
OFFICES = [("武蔵野市障害者福祉課", "0422-60-1904"), ("相談支援事業所 ぽけっと", "0422-38-1234"),
           ("就労継続支援B型 ひだまり工房", "0422-29-8765"), ("グループホーム 陽だまりの家", "042-200-3456"),
           ("地域活動支援センター あい", "0422-70-2468"), ("訪問看護ステーション すずらん", "0422-90-1357")]
RELATIONS = ["母", "父", "姉", "兄", "妻", "夫", "娘", "息子", "祖母", "ヘルパー", "後見人", "担当相談員"]
NOTES = ["迷子になったら、自宅（吉祥寺本町）まで送ってください。", "補聴器の電池が切れていることがあります。",
         "平日の昼間は作業所にいます。", "休日は母と一緒にいることが多いです。", "お金の管理は後見人がしています。",
         "Emergency: tell the doctor I take blood thinners.", "手話通訳の派遣は市役所（FAX 0422-51-9218）へ。",
         "夜はショートステイ（週2回）を利用しています。"]


def phone(rng):
    return rng.choice(["090", "080", "070"]) + f"-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"


def cards(n=240, seed=2026):
    """`n` cards, each [public texts, private texts], made with `seed`."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 10 == 9:
            name, kana = rng.choice(FOREIGN)
        else:
            f = rng.randrange(len(FAMILY))
            given, given_kana = rng.choice(GIVEN)
            name, kana = f"{FAMILY[f]} {given}", f"{FAMILY_KANA[f]} {given_kana}"
        public = [rng.choice(MESSAGES)]
        private = [name, kana, rng.choice(HOW)]
        if rng.random() < 0.6:
            private.append("、".join(rng.sample(AVOID, 2)))
        private += rng.sample(MEDICINES, rng.randrange(0, 3))
        private += rng.sample(ALLERGIES, rng.randrange(0, 2))
        for place in (rng.choice(HOSPITALS), rng.choice(OFFICES)):
            if rng.random() < 0.8:
                private += list(place)
        for _ in range(rng.randrange(1, 3)):
            family = name.split(" ")[0] if i % 10 != 9 else name.split(" ")[-1]
            private += [f"{family} {rng.choice(GIVEN)[0]}（{rng.choice(RELATIONS)}）", phone(rng)]
        if rng.random() < 0.5:
            private.append(rng.choice(NOTES))
        out.append([public, private])
    return out
