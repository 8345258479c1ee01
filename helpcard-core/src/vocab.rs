//! The coded support vocabulary.
//!
//! A help card carries numbers, not phrases: `speak-slowly` travels as one small integer and is
//! rendered from these tables in the reader's language. Codes are stable forever; a new
//! vocabulary version only appends. A reader with an older table shows a code it does not know as
//! "unknown code N" instead of rejecting the card, so the rest of the card stays readable.

use std::fmt;

/// Version of these tables. Appending codes raises it; codes are never renumbered or reused.
pub const VOCAB_VERSION: u16 = 2;

/// The lists a code can come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Category {
    /// Help requests (public part) and support needs (private part) share one list, so the
    /// same request reads the same in both places.
    Help,
    /// Disabilities and conditions.
    Condition,
    /// Medical-care needs (医療的ケア).
    MedicalCare,
    /// A contact's relation to the card holder.
    Relation,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 4] = [
        Category::Help,
        Category::Condition,
        Category::MedicalCare,
        Category::Relation,
    ];

    /// The entries of this category, ordered by code.
    pub fn entries(self) -> &'static [Entry] {
        match self {
            Category::Help => HELP,
            Category::Condition => CONDITION,
            Category::MedicalCare => MEDICAL_CARE,
            Category::Relation => RELATION,
        }
    }

    /// The entry for `code`, if this vocabulary version knows it.
    pub fn lookup(self, code: u16) -> Option<&'static Entry> {
        let entries = self.entries();
        entries
            .binary_search_by_key(&code, |e| e.code)
            .ok()
            .map(|i| &entries[i])
    }

    /// The entry whose stable key (e.g. `"speak-slowly"`) is `key`.
    pub fn by_key(self, key: &str) -> Option<&'static Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// Name used in messages and file formats.
    pub fn name(self) -> &'static str {
        match self {
            Category::Help => "help",
            Category::Condition => "condition",
            Category::MedicalCare => "medical-care",
            Category::Relation => "relation",
        }
    }
}

/// Languages a label is available in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// Japanese.
    #[default]
    Ja,
    /// English.
    En,
    /// やさしい日本語 (Easy Japanese: short sentences, mostly kana, for children and learners).
    EasyJa,
}

impl Lang {
    /// Every language, Japanese first.
    pub const ALL: [Lang; 3] = [Lang::Ja, Lang::En, Lang::EasyJa];

    /// The language's code in configuration files, URLs and the WASM API: `ja`, `en`,
    /// `easy-ja` (BCP 47 has no tag for やさしい日本語, which is Japanese; the page's `lang`
    /// attribute says `ja` for it).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
            Lang::EasyJa => "easy-ja",
        }
    }

    /// The language of a [`Lang::code`]; `None` for any other text.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The one of three words (or sentences) written for this language.
    pub fn pick<T>(self, ja: T, en: T, easy: T) -> T {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
            Lang::EasyJa => easy,
        }
    }
}

/// One vocabulary entry.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// The number carried on the card.
    pub code: u16,
    /// Stable ASCII key used in profile files.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// やさしい日本語 label.
    pub easy_ja: &'static str,
}

impl Entry {
    /// The label in `lang`.
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
            Lang::EasyJa => self.easy_ja,
        }
    }
}

/// A code as carried on a card: known to this table or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    /// The list the code belongs to.
    pub category: Category,
    /// The number.
    pub value: u16,
}

impl Code {
    /// The entry, or `None` for a code from a newer vocabulary.
    pub fn entry(self) -> Option<&'static Entry> {
        self.category.lookup(self.value)
    }

    /// The label in `lang`, or "unknown code N" in that language.
    pub fn label(self, lang: Lang) -> String {
        match self.entry() {
            Some(e) => e.label(lang).to_owned(),
            None => UnknownCode(self.value, lang).to_string(),
        }
    }
}

/// Renders a code this table does not know.
struct UnknownCode(u16, Lang);

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Lang::Ja => write!(f, "不明なコード {}", self.0),
            Lang::En => write!(f, "unknown code {}", self.0),
            Lang::EasyJa => write!(f, "わからない コード {}", self.0),
        }
    }
}

macro_rules! table {
    ($name:ident: $( $code:literal $key:literal $ja:literal $en:literal $easy:literal; )*) => {
        const $name: &[Entry] = &[ $( Entry { code: $code, key: $key, ja: $ja, en: $en, easy_ja: $easy }, )* ];
    };
}

table! { HELP:
    1 "speak-slowly" "ゆっくり話してください" "Please speak slowly" "ゆっくり はなして ください";
    2 "speak-calmly" "落ち着いた声で話してください" "Please speak calmly" "しずかな こえで はなして ください";
    3 "writing" "筆談でお願いします" "Please communicate in writing" "かいて つたえて ください";
    4 "sign-language" "手話でお願いします" "Please use sign language" "しゅわで はなして ください";
    5 "face-me-when-speaking" "顔を見て話してください" "Face me when you speak" "かおを みて はなして ください";
    6 "picture-cards" "絵カードを使ってください" "Please use picture cards" "えの カードを つかって ください";
    7 "quiet-place" "静かな場所へ案内してください" "Please take me to a quiet place" "しずかな ところへ つれて いって ください";
    8 "no-loud-voice" "大きな声を出さないでください" "Please do not raise your voice" "おおきな こえを ださないで ください";
    9 "no-touch-without-warning" "声をかけずに体にふれないでください" "Do not touch me without warning" "だまって からだに さわらないで ください";
    10 "tell-before-touch" "体にふれる前に声をかけてください" "Tell me before you touch me" "さわる まえに こえを かけて ください";
    11 "yes-no-questions" "はい・いいえで答えられる質問をしてください" "Ask questions I can answer with yes or no" "「はい」「いいえ」で こたえられる しつもんを して ください";
    12 "short-sentences" "短い文で話してください" "Use short sentences" "みじかい ことばで はなして ください";
    13 "one-thing-at-a-time" "一度に一つずつ伝えてください" "Tell me one thing at a time" "ひとつずつ つたえて ください";
    14 "write-it-down" "大事なことは紙に書いてください" "Write important things down for me" "だいじな ことは かみに かいて ください";
    15 "read-aloud" "文字を読み上げてください" "Read written text aloud for me" "もじを よんで ください";
    16 "guide-by-voice" "声で案内してください" "Guide me with your voice" "こえで あんないして ください";
    17 "offer-arm" "腕を貸してください" "Offer me your arm" "うでを かして ください";
    18 "needs-companion" "付き添いが必要です" "I need someone to stay with me" "いっしょに いる ひとが ひつようです";
    19 "call-contact" "連絡先に電話してください" "Please call my contact" "れんらくさきに でんわして ください";
    20 "call-ambulance-if-long" "発作が長く続いたら救急車を呼んでください" "Call an ambulance if a seizure lasts long" "ほっさが ながく つづいたら きゅうきゅうしゃを よんで ください";
    21 "give-sugar" "砂糖かジュースをください" "Give me sugar or juice" "さとうか ジュースを ください";
    22 "english" "英語で話してください" "Please speak English" "えいごで はなして ください";
    23 "deaf" "耳が聞こえません" "I am deaf" "みみが きこえません";
    24 "blind" "目が見えません" "I am blind" "めが みえません";
    25 "wheelchair" "車いすを使っています" "I use a wheelchair" "くるまいすを つかって います";
    26 "medical-care" "医療的ケアが必要です" "I need medical care" "いりょうの ケアが ひつようです";
    27 "seizure" "発作が起きることがあります" "I may have seizures" "ほっさが おきる ことが あります";
    28 "memory" "覚えることが苦手です" "I have trouble remembering" "おぼえる ことが にがてです";
    29 "diabetes" "糖尿病があります" "I have diabetes" "とうにょうびょうが あります";
    30 "help-evacuate" "避難を手伝ってください" "Help me evacuate" "にげるのを てつだって ください";
    31 "cannot-speak" "話すことができません" "I cannot speak" "はなす ことが できません";
    32 "easy-japanese" "やさしい日本語で話してください" "Please use easy Japanese" "やさしい にほんごで はなして ください";
    33 "invisible-disability" "見た目ではわからない障害があります" "I have a disability you cannot see" "みた だけでは わからない しょうがいが あります";
    // Version 2.
    34 "help-get-home" "家に帰るのを手伝ってください" "Help me get home" "いえに かえるのを てつだって ください";
    35 "hearing-aid" "補聴器を使っています" "I use a hearing aid" "ほちょうきを つかって います";
    36 "cochlear-implant" "人工内耳を使っています" "I use a cochlear implant" "じんこうないじを つかって います";
    37 "inhaler" "吸入薬を使わせてください" "Let me use my inhaler" "すいこむ くすりを つかわせて ください";
    38 "oxygen" "酸素を使っています" "I use oxygen" "さんそを つかって います";
    39 "stoma" "ストーマがあります" "I have a stoma" "おなかに ストーマが あります";
    40 "adrenaline-injector" "アドレナリン自己注射薬（エピペン）を持っています" "I carry an adrenaline auto-injector" "アレルギーの ちゅうしゃ（エピペン）を もって います";
    41 "no-flashing-light" "強い光や点滅が苦手です" "Bright or flashing light is hard for me" "つよい ひかりや ちかちかする ひかりが にがてです";
    42 "wait-until-calm" "パニックになったら落ち着くまで待ってください" "If I panic, wait until I calm down" "パニックに なったら おちつくまで まって ください";
    43 "do-not-leave-alone" "一人にしないでください" "Please do not leave me alone" "ひとりに しないで ください";
    44 "help-toilet" "トイレを手伝ってください" "Help me find or use a toilet" "トイレを てつだって ください";
    45 "let-me-sit" "座らせてください" "Let me sit down" "すわらせて ください";
    46 "allergy" "アレルギーがあります" "I have an allergy" "アレルギーが あります";
    47 "pointing" "指さしで伝えます" "I communicate by pointing" "ゆびで さして つたえます";
    48 "phone-text" "スマートフォンの文字で伝えます" "I communicate by typing on my phone" "スマホの もじで つたえます";
    49 "assistance-dog" "補助犬を連れています" "I have an assistance dog with me" "たすける いぬと いっしょです";
    50 "show-elevator" "エレベーターの場所を教えてください" "Show me where the elevator is" "エレベーターの ばしょを おしえて ください";
    51 "ask-before-helping" "手伝う前に声をかけてください" "Ask me before you help" "てつだう まえに きいて ください";
    52 "pacemaker" "ペースメーカーを入れています" "I have a pacemaker" "むねに ペースメーカーが はいって います";
    53 "dialysis" "人工透析を受けています" "I am on dialysis" "とうせきを うけて います";
    54 "show-your-lips" "口元が見えるように話してください" "Let me see your lips when you speak" "くちが みえるように はなして ください";
    55 "pregnant" "おなかに赤ちゃんがいます" "I am pregnant" "おなかに あかちゃんが います";
    56 "chest-pain-ambulance" "胸が痛いときは救急車を呼んでください" "Call an ambulance if I have chest pain" "むねが いたい ときは きゅうきゅうしゃを よんで ください";
    57 "cannot-queue" "列に並んで待つことが苦手です" "Waiting in a queue is hard for me" "ならんで まつのが にがてです";
}

table! { CONDITION:
    1 "hearing" "聴覚障害" "Hearing impairment" "みみが きこえにくい";
    2 "visual" "視覚障害" "Visual impairment" "めが みえにくい";
    3 "physical" "肢体不自由" "Physical disability" "からだが うごかしにくい";
    4 "intellectual" "知的障害" "Intellectual disability" "ちてき しょうがい";
    5 "autism" "自閉スペクトラム症" "Autism spectrum disorder" "じへいしょう";
    6 "psychiatric" "精神障害" "Psychiatric disability" "こころの びょうき";
    7 "epilepsy" "てんかん" "Epilepsy" "てんかん";
    8 "cerebral-palsy" "脳性まひ" "Cerebral palsy" "のうせいまひ";
    9 "respiratory" "呼吸器機能障害" "Respiratory impairment" "いきが しにくい";
    10 "higher-brain-dysfunction" "高次脳機能障害" "Acquired brain injury (higher brain dysfunction)" "のうの けがの あとの しょうがい";
    11 "hypertension" "高血圧" "High blood pressure" "けつあつが たかい";
    12 "diabetes-type1" "1型糖尿病" "Type 1 diabetes" "1がた とうにょうびょう";
    13 "diabetes-type2" "2型糖尿病" "Type 2 diabetes" "2がた とうにょうびょう";
    14 "heart" "心臓機能障害" "Heart condition" "しんぞうの びょうき";
    15 "kidney" "じん臓機能障害" "Kidney condition" "じんぞうの びょうき";
    16 "dementia" "認知症" "Dementia" "にんちしょう";
    17 "developmental" "発達障害" "Developmental disorder" "はったつ しょうがい";
    18 "speech" "音声・言語機能障害" "Speech impairment" "はなす ことが むずかしい";
    19 "intractable-disease" "難病" "Rare intractable disease" "なんびょう";
    20 "deafblind" "盲ろう" "Deafblindness" "めも みみも つかいにくい";
    // Version 2.
    21 "hard-of-hearing" "難聴" "Hard of hearing" "みみが すこし きこえにくい";
    22 "low-vision" "弱視（ロービジョン）" "Low vision" "めが すこし みえにくい";
    23 "down-syndrome" "ダウン症候群" "Down syndrome" "ダウンしょう";
    24 "chromosomal" "染色体の疾患" "Chromosomal condition" "せんしょくたいの びょうき";
    25 "congenital-heart" "先天性心疾患" "Congenital heart disease" "うまれつきの しんぞうの びょうき";
    26 "spina-bifida" "二分脊椎" "Spina bifida" "にぶんせきつい";
    27 "muscular-dystrophy" "筋ジストロフィー" "Muscular dystrophy" "きんにくが よわく なる びょうき";
    28 "als" "筋萎縮性側索硬化症（ALS）" "ALS (motor neurone disease)" "きんにくが うごかなく なる びょうき（ALS）";
    29 "parkinsons" "パーキンソン病" "Parkinson's disease" "パーキンソンびょう";
    30 "multiple-sclerosis" "多発性硬化症" "Multiple sclerosis" "たはつせい こうかしょう";
    31 "asthma" "ぜんそく" "Asthma" "ぜんそく";
    32 "copd" "慢性閉塞性肺疾患（COPD）" "COPD (chronic lung disease)" "はいの びょうき";
    33 "food-allergy" "食物アレルギー" "Food allergy" "たべものの アレルギー";
    34 "anaphylaxis-risk" "アナフィラキシーの危険" "Risk of anaphylaxis" "ひどい アレルギーが おきる ことが ある";
    35 "adhd" "注意欠如・多動症（ADHD）" "ADHD" "ちゅういが つづきにくい しょうがい（ADHD）";
    36 "learning-disorder" "学習障害" "Specific learning disorder" "よみかきや けいさんが むずかしい しょうがい";
    37 "depression" "うつ病" "Depression" "うつびょう";
    38 "bipolar" "双極性障害" "Bipolar disorder" "きぶんの なみが おおきい びょうき";
    39 "schizophrenia" "統合失調症" "Schizophrenia" "とうごう しっちょうしょう";
    40 "panic-disorder" "パニック障害" "Panic disorder" "パニック しょうがい";
    41 "stroke" "脳卒中の後遺症" "After-effects of a stroke" "のうそっちゅうの あとの しょうがい";
    42 "spinal-cord-injury" "脊髄損傷" "Spinal cord injury" "せなかの しんけいの けが";
    43 "hemophilia" "血友病" "Haemophilia" "ちが とまりにくい びょうき";
    44 "liver" "肝臓機能障害" "Liver condition" "かんぞうの びょうき";
    45 "bladder-bowel" "ぼうこう・直腸機能障害" "Bladder or bowel impairment" "おしっこや うんちの しょうがい";
    46 "immune" "免疫機能障害" "Immune impairment" "びょうきと たたかう ちからの しょうがい";
    47 "rare-neuromuscular" "神経・筋の難病" "Rare neuromuscular disease" "しんけいや きんにくの なんびょう";
    48 "rare-metabolic" "代謝の難病" "Rare metabolic disease" "からだの はたらきの なんびょう";
    49 "rare-immune" "免疫の難病" "Rare immune disease" "めんえきの なんびょう";
    50 "rare-blood" "血液の難病" "Rare blood disease" "ちの なんびょう";
    51 "internal" "内部障害" "Internal disability" "からだの なかの しょうがい";
    52 "tourette" "トゥレット症" "Tourette syndrome" "からだや こえが かってに でる しょうがい";
    53 "stuttering" "吃音" "Stuttering" "ことばが つまる";
    54 "selective-mutism" "場面緘黙" "Selective mutism" "ばしょに よって はなせない";
}

table! { MEDICAL_CARE:
    1 "suction" "たんの吸引" "Suctioning of airway secretions" "たんを すいとる";
    2 "tube-feeding" "経管栄養（胃ろう等）" "Tube feeding" "チューブで えいようを とる";
    3 "ventilator-night" "夜間の人工呼吸器" "Ventilator at night" "よるは じんこうこきゅうきを つかう";
    4 "ventilator" "人工呼吸器" "Ventilator" "じんこうこきゅうきを つかう";
    5 "oxygen" "在宅酸素療法" "Home oxygen" "さんそを すう";
    6 "insulin" "インスリン注射" "Insulin injections" "インスリンの ちゅうしゃ";
    7 "dialysis" "人工透析" "Dialysis" "とうせき";
    8 "catheter" "導尿" "Urinary catheter" "カテーテルで おしっこを だす";
    9 "tracheostomy" "気管切開" "Tracheostomy" "のどに あなが ある";
    10 "stoma" "ストーマ（人工肛門・人工膀胱）" "Stoma" "ストーマ";
    11 "pacemaker" "ペースメーカー" "Pacemaker" "ペースメーカー";
    12 "seizure-rescue-medication" "発作時の頓用薬" "Seizure rescue medication" "ほっさの ときの くすり";
    // Version 2.
    13 "cough-assist" "排痰補助装置" "Cough assist device" "たんを だす きかい";
    14 "parenteral-nutrition" "中心静脈栄養" "Parenteral (IV) nutrition" "てんてきで えいようを とる";
    15 "nebulizer" "吸入器（ネブライザー）" "Nebulizer" "くすりを すいこむ きかい";
    16 "adrenaline-injector" "アドレナリン自己注射" "Adrenaline auto-injector" "アレルギーの ちゅうしゃ";
}

table! { RELATION:
    1 "mother" "母" "Mother" "おかあさん";
    2 "father" "父" "Father" "おとうさん";
    3 "spouse" "配偶者" "Spouse" "つれあい";
    4 "daughter" "娘" "Daughter" "むすめ";
    5 "son" "息子" "Son" "むすこ";
    6 "sibling" "きょうだい" "Sibling" "きょうだい";
    7 "grandparent" "祖父母" "Grandparent" "おじいさん・おばあさん";
    8 "relative" "親族" "Relative" "しんせき";
    9 "guardian" "後見人" "Guardian" "こうけんにん";
    10 "caregiver" "介護者・ヘルパー" "Caregiver" "ヘルパー";
    11 "case-worker" "相談支援専門員" "Case worker" "そうだんの たんとうしゃ";
    12 "friend" "友人" "Friend" "ともだち";
    13 "partner" "パートナー" "Partner" "パートナー";
    14 "other" "その他" "Other" "そのほか";
    // Version 2.
    15 "facility-staff" "施設職員" "Care facility staff" "しせつの しょくいん";
    16 "group-home-staff" "グループホーム職員" "Group-home worker" "グループホームの しょくいん";
    17 "visiting-nurse" "訪問看護師" "Visiting nurse" "いえに くる かんごし";
    18 "doctor" "主治医" "Doctor" "いつもの おいしゃさん";
    19 "teacher" "学校の先生" "Teacher" "がっこうの せんせい";
    20 "day-service-staff" "放課後等デイサービス職員" "After-school day service staff" "ほうかご デイサービスの しょくいん";
    21 "workplace" "職場の担当者" "Workplace contact" "しごとばの ひと";
    22 "grandchild" "孫" "Grandchild" "まご";
    23 "neighbor" "近所の人" "Neighbour" "きんじょの ひと";
    24 "city-welfare-officer" "市役所の担当者" "City welfare officer" "しやくしょの たんとうしゃ";
}

#[cfg(test)]
#[path = "vocab_tests.rs"]
mod tests;
