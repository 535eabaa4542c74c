"""What the demo salon (services.demo) contains: word lists, and a planner that draws from them.

Pure (no database): the planner turns a seeded ``random.Random`` into people and
bookings; ``services.demo.loader`` writes them. Days are offsets from today ("planned days");
calendar facts (the closed Tuesday, free slots) are settled by sub-generators seeded from
the main one, and draws come before date-dependent decisions, so the main stream, and with
it every count but the ticket ones, does not depend on the day the salon is built.

Names are common Japanese surnames and given names with their usual reading; a few kanji
variants (髙橋, 渡邉, 齋藤) are kept because salons meet them and normalisation must not
fold them.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import jaconv

from models import CancelKind, Gender, RegistrationPath, ReservationChannel, ReservationStatus
from services import normalize
from services.customer_fields import Mode
from services.errors import DomainError

STORE_NAME = "Hair Salon LePorto 表参道店"
PLACEHOLDER_DOMAIN = "leporto.com"


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """"佐藤 サトウ  鈴木 スズキ …" → (("佐藤", "サトウ"), ("鈴木", "スズキ"), …)."""
    words = text.split()
    return tuple(zip(words[::2], words[1::2], strict=True))


#: Mail domains reserved for examples (RFC 2606, JPRS), so no demo address reaches a real inbox.
EMAIL_DOMAINS = (("example.jp", 5), ("example.ne.jp", 3), ("example.co.jp", 1), ("example.com", 2))

SURNAMES = _pairs("""
    佐藤 サトウ  鈴木 スズキ  高橋 タカハシ  田中 タナカ  伊藤 イトウ  渡辺 ワタナベ  山本 ヤマモト
    中村 ナカムラ  小林 コバヤシ  加藤 カトウ  吉田 ヨシダ  山田 ヤマダ  佐々木 ササキ  山口 ヤマグチ
    松本 マツモト  井上 イノウエ  木村 キムラ  林 ハヤシ  斎藤 サイトウ  清水 シミズ  山崎 ヤマザキ
    森 モリ  池田 イケダ  橋本 ハシモト  阿部 アベ  石川 イシカワ  山下 ヤマシタ  中島 ナカジマ
    石井 イシイ  小川 オガワ  前田 マエダ  岡田 オカダ  長谷川 ハセガワ  藤田 フジタ  後藤 ゴトウ
    近藤 コンドウ  村上 ムラカミ  遠藤 エンドウ  青木 アオキ  坂本 サカモト  斉藤 サイトウ  福田 フクダ
    太田 オオタ  西村 ニシムラ  藤井 フジイ  金子 カネコ  岡本 オカモト  藤原 フジワラ  中野 ナカノ
    三浦 ミウラ  原田 ハラダ  中川 ナカガワ  松田 マツダ  竹内 タケウチ  小野 オノ  田村 タムラ
    中山 ナカヤマ  和田 ワダ  石田 イシダ  森田 モリタ  上田 ウエダ  原 ハラ  内田 ウチダ  柴田 シバタ
    酒井 サカイ  宮崎 ミヤザキ  横山 ヨコヤマ  高木 タカギ  安藤 アンドウ  宮本 ミヤモト  大野 オオノ
    小島 コジマ  工藤 クドウ  谷口 タニグチ  今井 イマイ  高田 タカダ  増田 マスダ  丸山 マルヤマ
    杉山 スギヤマ  村田 ムラタ  大塚 オオツカ  新井 アライ  小山 コヤマ  平野 ヒラノ  藤本 フジモト
    河野 コウノ  上野 ウエノ  野口 ノグチ  武田 タケダ  松井 マツイ  千葉 チバ  岩崎 イワサキ
    菅原 スガワラ  木下 キノシタ  久保 クボ  佐野 サノ  野村 ノムラ  松尾 マツオ  市川 イチカワ
    菊地 キクチ  杉本 スギモト  古川 フルカワ  大西 オオニシ  島田 シマダ  水野 ミズノ  桜井 サクライ
    高野 タカノ  渡部 ワタナベ  吉川 ヨシカワ  山内 ヤマウチ  西田 ニシダ  飯田 イイダ  菊池 キクチ
    西川 ニシカワ  小松 コマツ  北村 キタムラ  安田 ヤスダ  五十嵐 イガラシ  川口 カワグチ  平田 ヒラタ
    関 セキ  中田 ナカタ  久保田 クボタ  服部 ハットリ  東 ヒガシ  岩田 イワタ  土屋 ツチヤ
    川崎 カワサキ  福島 フクシマ  本田 ホンダ  辻 ツジ  樋口 ヒグチ  秋山 アキヤマ  田口 タグチ
    永井 ナガイ  山中 ヤマナカ  中西 ナカニシ  吉村 ヨシムラ  川上 カワカミ  石原 イシハラ
    大橋 オオハシ  松岡 マツオカ  馬場 ババ  浅野 アサノ  荒木 アラキ  大久保 オオクボ  野田 ノダ
    小池 コイケ  星野 ホシノ  早川 ハヤカワ  松下 マツシタ  河野 カワノ  東 アズマ  髙橋 タカハシ
    渡邉 ワタナベ  齋藤 サイトウ  保坂 ホサカ  宇野 ウノ  成田 ナリタ  白石 シロイシ
""")

FEMALE_NAMES = _pairs("""
    陽菜 ヒナ  結衣 ユイ  美咲 ミサキ  さくら サクラ  葵 アオイ  凛 リン  結菜 ユイナ  芽依 メイ
    莉子 リコ  美羽 ミウ  杏 アン  優奈 ユウナ  花 ハナ  愛 アイ  彩花 アヤカ  七海 ナナミ  真由 マユ
    麻衣 マイ  千尋 チヒロ  舞 マイ  恵 メグミ  由美 ユミ  裕子 ユウコ  久美子 クミコ  直美 ナオミ
    智子 トモコ  恵子 ケイコ  京子 キョウコ  陽子 ヨウコ  明美 アケミ  真理子 マリコ  洋子 ヨウコ
    幸子 サチコ  和子 カズコ  順子 ジュンコ  美香 ミカ  香織 カオリ  沙織 サオリ  理恵 リエ
    亜希子 アキコ  奈々 ナナ  瞳 ヒトミ  優子 ユウコ  美穂 ミホ  綾 アヤ  彩 アヤ  紗希 サキ  早紀 サキ
    友美 トモミ  梓 アズサ  遥 ハルカ  茜 アカネ  楓 カエデ  萌 モエ  菜々子 ナナコ  絵里 エリ
    里奈 リナ  佳奈 カナ  加奈子 カナコ  亜美 アミ  奈央 ナオ  詩織 シオリ  明日香 アスカ  瑞希 ミズキ
    美月 ミヅキ  朋子 トモコ  紀子 ノリコ  典子 ノリコ  弘美 ヒロミ  由紀 ユキ  雪乃 ユキノ
    千夏 チナツ  夏美 ナツミ  春香 ハルカ  桃子 モモコ  琴音 コトネ  心春 コハル  紬 ツムギ  澪 ミオ
    陽葵 ヒマリ  芽衣 メイ  日菜子 ヒナコ  杏奈 アンナ  玲奈 レイナ  真央 マオ  未来 ミク
    ひかり ヒカリ  あかり アカリ  みゆき ミユキ  ゆかり ユカリ  聡子 サトコ  美紀 ミキ  由香 ユカ
    亜由美 アユミ  真紀 マキ  直子 ナオコ  知美 トモミ  愛子 アイコ  美和 ミワ  友里 ユリ  百合 ユリ
    実花 ミカ  千晶 チアキ  麻美 アサミ  志保 シホ
""")

MALE_NAMES = _pairs("""
    翔太 ショウタ  大輔 ダイスケ  健太 ケンタ  拓也 タクヤ  直樹 ナオキ  亮 リョウ  翔 ショウ  蓮 レン
    悠斗 ユウト  陽翔 ハルト  湊 ミナト  大翔 ヒロト  颯太 ソウタ  悠真 ユウマ  樹 イツキ  航 ワタル
    誠 マコト  浩二 コウジ  隆 タカシ  修 オサム  和也 カズヤ  達也 タツヤ  健一 ケンイチ
    雄一 ユウイチ  剛 ツヨシ  学 マナブ  聡 サトシ  哲也 テツヤ  康介 コウスケ  智也 トモヤ
    裕太 ユウタ  慎也 シンヤ  俊介 シュンスケ  圭 ケイ  海斗 カイト  大和 ヤマト  陸 リク  蒼 アオイ
    優斗 ユウト  涼太 リョウタ  一輝 カズキ  祐介 ユウスケ  洋平 ヨウヘイ  拓海 タクミ  駿 シュン
    翼 ツバサ  秀樹 ヒデキ  正人 マサト  光 ヒカル  陽介 ヨウスケ
""")

#: Real postal codes around the salon (the address fills from Japan Post data).
POSTAL_CODES = (
    "1500001", "1500002", "1070062", "1070061", "1510051", "1500011", "1500012", "1500013", "1500022",
    "1530064", "1540004", "1540017", "1560052", "1550031", "1510064", "1510066", "1600022", "1600023",
    "1060032", "1060047", "1080072", "1410031", "1520035", "1580094", "1640001", "1660003", "1800004",
    "2310023", "1130033", "1530051", "1540024", "1510053", "1500041", "2220033", "1820002",
)
BUILDINGS = ("コーポ青山", "メゾン神宮前", "パークハウス", "グランドメゾン", "ハイツ桜", "レジデンス表参道",
             "シティハウス", "ヴィラ代官山", "サンハイム", "ライオンズマンション")

INFLOW_ROUTES = (("Instagram", 26), ("ホットペッパー", 30), ("紹介", 12), ("看板", 5), ("ホームページ", 8),
                 ("LINE", 8), ("Googleマップ", 9), ("チラシ", 2))
OCCUPATIONS = ("会社員", "公務員", "自営業", "経営者・役員", "学生", "主婦・主夫", "パート・アルバイト",
               "医療・福祉", "美容関係", "フリーランス", "無職・その他")
FIRST_VISIT_MOTIVES = ("立地・アクセス", "口コミ・評価", "友人・知人の紹介", "クーポン・価格",
                       "スタイル写真を見て", "通りがかり", "技術・専門メニュー", "営業時間")
#: フリー項目 (position order): name and choices.
FREE_ITEMS = (
    ("髪質", ("普通", "硬い", "柔らかい", "くせ毛", "細い・少ない", "多い")),
    ("好みのドリンク", ("ホットコーヒー", "アイスコーヒー", "紅茶", "緑茶", "オレンジジュース", "お水",
                        "不要")),
    ("会話の好み", ("たくさん話したい", "ほどほどに", "静かに過ごしたい")),
)
ATTRIBUTES = ("車椅子の方", "お子様と一緒にご来店", "ベビーカーでご来店", "妊娠中", "頭皮が敏感",
              "カラー剤アレルギーあり", "お車でご来店", "英語対応希望", "耳が聞こえにくい", "首・腰が弱い")
NOTES = ("猫を2匹飼っている。", "ホットコーヒー(ミルクのみ)。", "趣味はキャンプ。夏は日焼けしやすい。",
         "毎年秋に結婚記念日の旅行あり。", "ネイルサロン勤務。手元の写真を見せてくれる。",
         "雑誌は不要。スマホで過ごしたい派。", "シャンプーは強め希望。",
         "前回の縮毛矯正で毛先が硬くなった印象あり。",
         "朝のスタイリングは5分以内で済ませたい。", "保育園のお迎えがあるので17時までに終わりたい。",
         "肩こりがひどいのでヘッドスパ好き。", "ヨガのインストラクター。", "学生時代はバスケ部。短めが好み。",
         "仕事柄明るすぎる色はNG(7トーンまで)。", "冷え性のためブランケット必須。")
WITHDRAWAL_REASONS = ("引っ越しのため", "遠方に転勤になったため", "他のサロンに通うことにしたため",
                      "予約サイトを使わなくなったため", "通知が多いため",
                      "しばらく美容院に行く予定がないため",
                      "アカウントを整理するため")
REFERRAL_MEMOS = ("紹介特典: お二人とも次回10%OFF", "紹介カード持参。初回カット20%OFF適用",
                  "職場の同僚", "妹さん", "ママ友", "学生時代の友人。次回紹介者様にトリートメントサービス")
LINE_EMOJI = ("🌸", "✨", "🌷", "☕", "🐈", "🍀", "💐", "🌙")

#: Menus: name, category, yen (tax included), minutes.
MENUS = (
    ("カット", "カット", 5500, 60), ("前髪カット", "カット", 1100, 15), ("メンズカット", "カット", 4950, 45),
    ("キッズカット", "カット", 3300, 30), ("フルカラー", "カラー", 7700, 90),
    ("リタッチカラー", "カラー", 5500, 60), ("イルミナカラー", "カラー", 9900, 90),
    ("ハイライト", "カラー", 11000, 120), ("デジタルパーマ", "パーマ", 13200, 150),
    ("コスメパーマ", "パーマ", 9900, 120), ("縮毛矯正", "縮毛矯正", 17600, 180),
    ("TOKIOトリートメント", "トリートメント", 5500, 30),
    ("オージュアトリートメント", "トリートメント", 6600, 30),
    ("炭酸ヘッドスパ", "ヘッドスパ", 3300, 20), ("極上ヘッドスパ", "ヘッドスパ", 6600, 45),
    ("ヘアセット", "セット", 4400, 45),
)
#: Menu combinations a visit is made of, with weights (women / men).
COMBOS_FEMALE = (
    (("カット",), 20), (("カット", "フルカラー"), 14), (("リタッチカラー",), 9),
    (("カット", "リタッチカラー"), 6), (("カット", "イルミナカラー"), 8),
    (("カット", "TOKIOトリートメント"), 7), (("カット", "デジタルパーマ"), 4),
    (("カット", "コスメパーマ"), 4), (("縮毛矯正", "カット"), 4), (("カット", "ハイライト"), 3),
    (("前髪カット",), 5), (("リタッチカラー", "オージュアトリートメント"), 4),
    (("カット", "炭酸ヘッドスパ"), 4),
    (("極上ヘッドスパ",), 2), (("ヘアセット",), 1), (("イルミナカラー", "TOKIOトリートメント"), 3),
)
COMBOS_MALE = (
    (("メンズカット",), 55), (("メンズカット", "炭酸ヘッドスパ"), 15), (("メンズカット", "フルカラー"), 10),
    (("メンズカット", "コスメパーマ"), 10), (("極上ヘッドスパ",), 4), (("カット",), 6),
)
WALK_IN_COMBOS = ((("前髪カット",), 4), (("メンズカット",), 3), (("カット",), 3), (("炭酸ヘッドスパ",), 1))

#: Staff: name, reading, joined (days ago, None = since opening), left (days ago) or None, popularity.
STAFF = (
    ("佐藤 健太", "サトウ ケンタ", None, None, 5), ("高橋 美咲", "タカハシ ミサキ", None, None, 5),
    ("伊藤 翔", "イトウ ショウ", None, None, 4), ("渡辺 彩花", "ワタナベ アヤカ", None, None, 4),
    ("中村 悠斗", "ナカムラ ユウト", 900, None, 3), ("小林 結衣", "コバヤシ ユイ", 420, None, 3),
    ("加藤 真由", "カトウ マユ", None, 240, 3), ("岡田 莉子", "オカダ リコ", 200, None, 2),
)
#: Ticket menus: name, price, validity days, uses, covered menus, staff allowed (None = everybody).
TICKET_MENUS = (
    ("カット回数券 5回", 24750, 365, 5, ("カット", "メンズカット"), None),
    ("前髪カット回数券 10回", 8800, 365, 10, ("前髪カット",), None),
    ("トリートメント回数券 3回", 14850, 180, 3, ("TOKIOトリートメント", "オージュアトリートメント"), None),
    ("ヘッドスパ回数券 6回", 16500, 365, 6, ("炭酸ヘッドスパ", "極上ヘッドスパ"), ("高橋 美咲", "渡辺 彩花")),
)
TICKET_EXTENSION_REASONS = ("体調不良で来店できなかったため延長", "出産のため3か月延長", "海外出張のため延長")

#: Karte masters: category → details.
KARTE_CATEGORIES = (
    ("カラー", ("薬剤", "塗布範囲", "放置時間")), ("パーマ", ("ロッド", "薬剤", "放置時間")),
    ("縮毛矯正", ("薬剤", "アイロン温度")), ("カット", ("スタイル", "長さ")),
    ("頭皮・毛髪の状態", ("頭皮", "ダメージ")),
)
KARTE_PHRASES = (
    ("カラー", "根元リタッチ 6% 放置20分"), ("カラー", "毛先 イルミナ オーシャン 8 + 3%"),
    ("カラー", "アディクシー サファイア 9 / 6% 1:1"), ("パーマ", "ロッド 14mm〜17mm ミックス巻き"),
    ("パーマ", "1液 15分 / 2液 10分"), ("縮毛矯正", "アイロン 160℃ 中間〜毛先は140℃"),
    ("頭皮・毛髪の状態", "頭皮に赤みあり。保護オイル使用"), ("カット", "顎ライン 前下がり 段差少なめ"),
)
COLOR_RECIPES = ("アディクシー サファイア 9 + 6% 1:1", "イルミナ オーシャン 8 / 3%",
                 "スロウ グレージュ 10 + 6%", "N. ベージュ 7 / 6%(白髪率20%)",
                 "ベースN7 + アッシュ8 2:1 / 4.5%", "ブリーチ 1回 + ピンクブラウン 9")
PERM_RECIPES = ("デジタル 32mm 中間〜毛先 2.5回転", "コスメ 17mm ミックス巻き", "ツイストスパイラル 11mm",
                "毛先ワンカール 26mm")
STRAIGHT_RECIPES = ("酸性ストレート 160℃ 根元〜中間", "前髪のみ 140℃", "アルカリ 180℃(新生部のみ)")
CUT_STYLES = ("前下がりボブ 顎ライン", "レイヤー 鎖骨下", "ショートボブ 襟足すっきり", "ロング 毛先3cm",
              "ウルフ", "前髪 眉上ぱっつん", "ツーブロック 刈り上げ6mm", "マッシュ 量感調整", "外ハネボブ")
SCALP_NOTES = ("頭皮の乾燥あり", "頭皮に赤み(軽度)", "毛先のダメージ大", "ハイダメージ。ビビリ毛に注意",
               "健康毛")
KARTE_RECIPES = {"カラー": COLOR_RECIPES, "パーマ": PERM_RECIPES, "縮毛矯正": STRAIGHT_RECIPES}
REQUESTS = ("乾かすだけでまとまるようにしたい", "前回より少し明るくしたい", "白髪を目立たなくしたい",
            "伸ばしている途中なので長さは残したい", "結婚式に参列予定", "ボリュームを抑えたい",
            "職場の規定で暗めにしたい", "", "", "")
PROPOSALS = ("2か月後にリタッチ＋トリートメント", "次回は毛先のカットのみでOK", "夏前にハイライトを提案",
             "ホームケアにオージュアのシャンプーを提案", "次回は前髪カットのみ(1か月後)",
             "縮毛矯正は半年後に根元のみ", "")
VISIT_MEMOS = ("次回はボブにしたいとのこと。", "結婚式の前にもう一度来店予定。",
               "髪のダメージを気にされていた。",
               "お子様同伴。キッズスペース利用。", "転職されたばかり。明るめカラーOKになった。",
               "シャンプー台が苦手。短めに。", "カラーの色持ちがよかったと喜ばれていた。",
               "旅行のお土産をいただいた。", "次回は平日の午前希望。", "産後の抜け毛を気にされている。")
RESERVATION_MEMOS = ("指名あり", "前回と同じ仕上がり希望", "お子様連れ", "遅れる可能性ありと連絡あり")
STORE_CANCEL_MEMOS = ("担当スタッフ体調不良のため店舗都合キャンセル",
                      "設備故障(給湯器)のため店舗都合キャンセル",
                      "台風接近による臨時休業")
CAUTION_MEMOS = (
    "遅刻が多い(毎回15〜30分)。次の予約枠に余裕を持たせること。",
    "過去に仕上がりへのクレームで再施術対応あり。カウンセリングを丁寧に、写真で確認すること。",
    "ジアミンアレルギーの疑い。カラーは必ずパッチテスト、ノンジアミンのみ。",
    "施術中の写真撮影・SNS投稿を断っても続けることがある。やんわり注意。",
    "特定スタッフへの私的な連絡が続いた。担当は店長のみとする。",
    "当日キャンセルが多い。前日に確認の電話を入れること。",
    "支払い時に値引きを強く求められたことあり。料金は事前に明示すること。",
    "お連れのお子様が店内を走り回る。安全に配慮しキッズスペースへ案内。",
    "シャンプー時に首を痛めたと申告あり(2年前)。タオル枕を使用。",
    "他のお客様との会話トラブルあり。席は端を案内。",
)
BLACKLIST_MEMOS = (
    "無断キャンセル3回。今後のご予約はお断りする(店長判断)。",
    "スタッフへの暴言・威圧的な言動があったため出入り禁止。",
    "キャンセル料のお支払いを再三拒否されたため、今後の予約不可。",
    "他のお客様への迷惑行為(大声・無断撮影)が続いたため。",
    "施術後に返金要求と虚偽の口コミ投稿を繰り返したため。",
)

STAFF_ACCOUNTS = (  # login, password, display name, manager?, staff member
    ("admin", "admin1234", "店長 佐藤", True, "佐藤 健太"),
    ("staff", "staff1234", "高橋 美咲", False, "高橋 美咲"),
)

# ============================================================================ planner

JST = timezone(timedelta(hours=9), "JST")  # Asia/Tokyo: no daylight saving since 1951
HISTORY_DAYS = 3 * 365
FUTURE_DAYS = 60
OPEN_MINUTE, SLOTS = 10 * 60, 20  # bookable half-hours from 10:00 to 20:00
CLOSED_WEEKDAY = 1  # 定休日: Tuesday
WALK_IN_SHARE = 0.02
FUTURE_STATUSES = (ReservationStatus.TENTATIVE, ReservationStatus.PREPAYMENT_UNPAID,
                   ReservationStatus.BOOKED, ReservationStatus.PREPAID)
S, C = ReservationStatus, ReservationChannel
PAST_KINDS = {  # how a past reservation ended, with weights
    "normal": (("visit", 875), ("cancel", 70), ("late", 25), ("no_show", 10), ("store", 20)),
    "trouble": (("visit", 45), ("cancel", 15), ("late", 20), ("no_show", 20)),
}
PROFILES = (("regular", 32), ("occasional", 26), ("one_timer", 24), ("dormant", 18))
IMPORT_PROFILES = (("regular", 50), ("occasional", 30), ("dormant", 20))


@dataclass(frozen=True)
class MenuInfo:
    id: int
    name: str
    category: str
    price: int
    minutes: int


@dataclass(frozen=True)
class StaffInfo:
    id: int
    name: str
    joined: int | None  # days ago; None = since the salon opened
    left: int | None
    weight: int

    def works(self, day: int) -> bool:
        return (self.joined is None or day >= -self.joined) and (self.left is None or day < -self.left)


@dataclass(frozen=True)
class TicketInfo:
    id: int
    price: int
    validity_days: int
    uses: int
    menu_ids: frozenset[int]
    staff_ids: frozenset[int] | None


@dataclass
class Masters:
    """Ids of what services.demo wrote (or found) before planning."""

    fee_percent: int
    routes: dict[str, int]
    occupations: dict[str, int]
    motives: dict[str, int]
    choices: dict[str, list[tuple[int, int]]]  # free item name → [(item id, choice id)]
    menus: dict[str, MenuInfo]
    staff: list[StaffInfo]
    tickets: list[TicketInfo]
    karte: dict[str, tuple[int, dict[str, int]]]  # category → (id, {detail: id})
    manager_id: int | None
    staff_account_id: int | None


@dataclass(slots=True, eq=False)
class Person:
    data: dict[str, Any]  # input of services.customers.create_customer
    path: RegistrationPath
    mode: Mode  # what create_customer requires of the data
    registered_day: int
    registered_minute: int
    profile: str
    staff_id: int | None
    combos: list[tuple[str, ...]]
    male: bool
    free_items: list[tuple[int, int]]
    index: int = 0
    customer_no: str | None = None
    line: tuple[str, str, int] | None = None  # user id, LINE name, day linked
    caution: tuple[int, str] | None = None
    blacklist: tuple[int, str] | None = None
    withdrawn: tuple[int, str] | None = None
    referrer: int | None = None
    referral_memo: str | None = None
    unpaid_fee: bool = False

    def extra(self, at) -> dict[str, Any]:
        """Columns no service sets at creation (history, LINE link, withdrawal)."""
        registered = at(self.registered_day, self.registered_minute)
        values: dict[str, Any] = dict.fromkeys(("registered_at", "created_at", "updated_at"), registered)
        user_id, line_name, linked = self.line or (None, None, None)
        values.update(line_user_id=user_id, line_name=line_name,
                      line_linked_at=None if linked is None else at(linked, self.registered_minute),
                      withdrawn_at=at(self.withdrawn[0]) if self.withdrawn else None)
        return values


@dataclass(slots=True, eq=False)
class Purchase:
    person: int
    ticket: TicketInfo
    purchased_on: date
    expires_on: date
    expires_day: int  # planned day of the expiry (days from today)
    at: datetime
    uses: list[Booking] = field(default_factory=list)
    change: dict[str, Any] | None = None

    def row(self) -> dict[str, Any]:
        return {"ticket_menu_id": self.ticket.id, "purchased_on": self.purchased_on,
                "expires_on": self.expires_on, "total_uses": self.ticket.uses, "used_count": len(self.uses),
                "price_paid": self.ticket.price, "created_at": self.at, "updated_at": self.at}


@dataclass(slots=True, eq=False)
class Booking:
    person: int | None  # index of the Person; None = walk-in guest
    row: dict[str, Any]  # reservation columns (customer_id filled by the writer)
    menus: list[tuple[int, int]]  # (menu id, price)
    report: dict[str, Any] | None = None
    karte: list[dict[str, Any]] = field(default_factory=list)
    visit_memo: dict[str, Any] | None = None
    purchase: Purchase | None = None  # the ticket this visit used (bought at this visit or before)
    id: int | None = None


def romaji(kana: str) -> str:
    """ヨウコ → yoko: roughly how people spell their name in an address."""
    text = jaconv.kata2alphabet(kana).lower().replace("ou", "o").replace("uu", "u")
    return re.sub(r"[^a-z]", "", text)


def yen(value: float) -> int:
    return int(round(value / 10) * 10)


class Planner:
    """Draws people, bookings and walk-ins from one random generator (no database)."""

    def __init__(self, rng: random.Random, masters: Masters, now: datetime,
                 taken: tuple[set[str], set[str], set[str]]) -> None:
        """``taken``: e-mail keys, phones and customer numbers already in use (extended as drawn)."""
        self.rng = rng
        self.m = masters
        self.now = now.astimezone(timezone.utc)
        self.today = now.astimezone(JST).date()
        self.emails, self.phones, self.numbers = taken
        self.schedule: dict[tuple[int, int], int] = {}
        self._postal: dict[str, normalize.PostalAddress] = {}
        self.menu_by_id = {m.id: m for m in masters.menus.values()}

    # ------------------------------------------------------------------ time

    def at(self, day: int, minute: int = 20 * 60 + 30) -> datetime:
        """``day`` days from today, ``minute`` after midnight Japan time, as UTC."""
        d = datetime.combine(self.today + timedelta(days=day), time(), JST) + timedelta(minutes=minute)
        return d.astimezone(timezone.utc)

    def open_day(self, day: int, sub: random.Random) -> int:
        """The salon is closed on Tuesdays: move to Monday or Wednesday, staying past or future."""
        if (self.today + timedelta(days=day)).weekday() != CLOSED_WEEKDAY:
            return day
        return sub.choice([d for d in (day - 1, day + 1) if d != 0 and (d < 0) == (day < 0)])

    def weighted(self, pairs):
        items, weights = zip(*pairs, strict=True)
        return self.rng.choices(items, weights)[0]

    # ------------------------------------------------------------------ people

    def people(self, count: int) -> list[Person]:
        twins = round(count * 0.005)
        people = [self.person() for _ in range(count - twins)]
        people += [self.twin(original) for original in self.rng.sample(people, twins)]
        people.sort(key=lambda p: (p.registered_day, p.registered_minute))
        legacy = iter(f"{letter}{n}" for n in range(101, 10**6) for letter in "AG")
        for index, person in enumerate(people):
            person.index = index
            if person.path == RegistrationPath.IMPORT:  # numbers from the previous POS
                person.customer_no = next(n for n in legacy if n not in self.numbers)
                self.numbers.add(person.customer_no)
        self.assign_flags(people)
        return people

    def person(self) -> Person:
        rng = self.rng
        gender = self.weighted(((Gender.FEMALE, 80), (Gender.MALE, 17), (Gender.OTHER, 1.5),
                                (Gender.UNANSWERED, 1.5)))
        male = gender == Gender.MALE or (gender != Gender.FEMALE and rng.random() < 0.3)
        last, last_kana = SURNAMES[int(len(SURNAMES) * rng.random() ** 1.6)]
        first, first_kana = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
        path = self.weighted(((RegistrationPath.IMPORT, 12), (RegistrationPath.PHONE, 8),
                              (RegistrationPath.LINE, 12), (RegistrationPath.FULL, 68)))
        phone_only = path == RegistrationPath.PHONE
        if path == RegistrationPath.IMPORT:
            registered = -HISTORY_DAYS + rng.randint(0, 13)
        else:
            registered = rng.randint(-HISTORY_DAYS + 14, -2)
        katakana_name = phone_only and rng.random() < 0.4  # taken over the phone: katakana only
        if katakana_name:
            last, first = last_kana, first_kana
        # A reading is known for both parts of the name or for neither: a name heard over the phone
        # in katakana is its own reading, and a caller who spells one part spells the other.
        reading = not phone_only or katakana_name or rng.random() < 0.7
        phone = self.phone()
        email = f"{phone}@{PLACEHOLDER_DOMAIN}" if phone_only else self.email(first_kana, last_kana)
        if path == RegistrationPath.IMPORT and rng.random() < 0.2:
            email = None
        data = {
            "last_name": last, "first_name": first, "phone": phone, "email": email,
            "last_name_kana": last_kana if reading else "",
            "first_name_kana": first_kana if reading else "",
            "gender": gender.value, "birth_date": self.birth_date(0.8 if phone_only else 0.12),
            **self.address(0.0 if phone_only else 0.7), **self.profile_fields(path),
        }
        free = [rng.choice(choices) for _, choices in sorted(self.m.choices.items()) if rng.random() < 0.55]
        data["free_item_choice_ids"] = [choice for _, choice in free]
        staff = [(s.id, s.weight) for s in self.m.staff if s.works(registered + 1)]
        combos = COMBOS_MALE if male else COMBOS_FEMALE
        return Person(
            data=data, path=path, registered_day=registered, registered_minute=rng.randint(0, 24 * 60 - 1),
            mode=Mode.PHONE if phone_only or path == RegistrationPath.IMPORT else Mode.FULL,
            profile=self.weighted(IMPORT_PROFILES if path == RegistrationPath.IMPORT else PROFILES),
            staff_id=self.weighted(staff) if staff and rng.random() < 0.8 else None,
            combos=[self.weighted(combos) for _ in range(rng.randint(1, 2))], male=male, free_items=free,
            line=self.line(path, registered, first, first_kana, last, last_kana),
        )

    def profile_fields(self, path: RegistrationPath) -> dict[str, Any]:
        rng = self.rng
        routes: list[int] = []
        if path != RegistrationPath.IMPORT or rng.random() < 0.5:
            count = 1 if rng.random() < 0.85 else 2
            routes = [self.m.routes[self.weighted(INFLOW_ROUTES)] for _ in range(count)]
        attributes = rng.sample(ATTRIBUTES, 1 if rng.random() < 0.8 else 2) if rng.random() < 0.15 else []
        pre = 0
        if path == RegistrationPath.IMPORT:  # visits recorded in the previous POS
            pre = rng.choice((1, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40))
        return {
            "inflow_route_ids": list(dict.fromkeys(routes)), "attributes": attributes,
            "occupation_id": rng.choice(list(self.m.occupations.values())) if rng.random() < 0.65 else None,
            "first_visit_motive_id": (rng.choice(list(self.m.motives.values())) if rng.random() < 0.55
                                      else None),
            "notes": rng.choice(NOTES) if rng.random() < 0.2 else None,
            "mail_ok": rng.random() < 0.85, "phone_ok": rng.random() < 0.95, "dm_ok": rng.random() < 0.75,
            "pre_system_visit_count": pre,
        }

    def twin(self, original: Person) -> Person:
        """A phone-only duplicate of ``original`` (same name and phone): a merge candidate."""
        data = {k: original.data[k] for k in ("last_name", "first_name", "last_name_kana", "first_name_kana",
                                               "phone", "gender")}
        data.update(email=f"{data['phone']}@{PLACEHOLDER_DOMAIN}", inflow_route_ids=[], attributes=[],
                    free_item_choice_ids=[])
        if original.data["email"] == data["email"]:  # the original registered by phone too
            data["phone"] = self.phone()
            data["email"] = f"{data['phone']}@{PLACEHOLDER_DOMAIN}"
        registered = self.rng.randint(max(original.registered_day + 1, -200), -1)
        return Person(data=data, path=RegistrationPath.PHONE, mode=Mode.PHONE, registered_day=registered,
                      registered_minute=self.rng.randint(0, 24 * 60 - 1), profile="one_timer",
                      staff_id=original.staff_id, combos=original.combos, male=original.male, free_items=[])

    def phone(self) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.9:
                raw = rng.choice(("090", "090", "080", "080", "070")) + f"{rng.randint(1000, 9999)}"
                raw += f"{rng.randint(0, 9999):04d}"
            else:
                raw = rng.choice((f"03{rng.randint(3000, 6999)}", f"045{rng.randint(200, 999)}",
                                  f"0422{rng.randint(20, 79)}")) + f"{rng.randint(0, 9999):04d}"
            try:
                digits = normalize.normalize_phone(raw)
            except DomainError:
                continue
            if digits not in self.phones:
                self.phones.add(digits)
                return digits

    def email(self, first_kana: str, last_kana: str) -> str:
        rng = self.rng
        f, s = romaji(first_kana) or "hana", romaji(last_kana) or "sato"
        word = rng.choice(("happy", "cafe", "neko", "sakura", "smile", "sun", "blue", "mimi"))
        for attempt in range(50):
            local = rng.choice((f"{f}.{s}", f"{f}{s[0]}{rng.randint(1, 99)}", f"{s}_{f}",
                                f"{f}.{s}{rng.randint(70, 99)}", f"{f}{word}",
                                f"{f[0]}{s}{rng.randint(1, 999)}"))
            if attempt:
                local += str(rng.randint(1, 9999))
            address = f"{local}@{self.weighted(EMAIL_DOMAINS)}"
            if address not in self.emails:
                self.emails.add(address)
                return address
        raise RuntimeError("could not find an unused demo e-mail address")

    def birth_date(self, missing: float) -> date | None:
        if self.rng.random() < missing:
            return None
        age = min(82, max(16, round(self.rng.gauss(37, 12))))
        return self.today - timedelta(days=age * 365 + self.rng.randint(0, 364))

    def address(self, share: float) -> dict[str, Any]:
        rng = self.rng
        if rng.random() >= share:
            return {"postal_code": None, "address_line": None}
        code = rng.choice(POSTAL_CODES)
        line = f"{self.postal(code).town}{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        if rng.random() < 0.45:
            line += f" {rng.choice(BUILDINGS)} {rng.randint(1, 9)}{rng.randint(1, 12):02d}"
        return {"postal_code": f"{code[:3]}-{code[3:]}", "address_line": line}

    def postal(self, code: str) -> normalize.PostalAddress:
        if code not in self._postal:
            self._postal[code] = normalize.lookup_postal_code(code)
        return self._postal[code]

    def line(self, path, registered, first, first_kana, last, last_kana) -> tuple[str, str, int] | None:
        rng = self.rng
        chance = {RegistrationPath.LINE: 1.0, RegistrationPath.PHONE: 0.05}.get(path, 0.2)
        if rng.random() >= chance:
            return None
        hira, roma = jaconv.kata2hira(first_kana), romaji(first_kana).capitalize()
        name = rng.choice((f"{last}{first}", hira, roma, f"{roma} {romaji(last_kana)[:1].upper()}.",
                           f"{hira}{rng.choice(LINE_EMOJI)}", f"{first}{rng.choice(LINE_EMOJI)}",
                           f"{roma.lower()}{rng.randint(1, 99)}", f"{last_kana}{first_kana}"))
        day = registered if path == RegistrationPath.LINE else rng.randint(registered, -1)
        return f"U{rng.getrandbits(128):032x}", name, day

    def assign_flags(self, people: list[Person]) -> None:
        rng, n = self.rng, len(people)
        older = [p for p in people if p.registered_day < -200 and p.path != RegistrationPath.PHONE]
        chosen = rng.sample(older, min(len(older), max(1, round(n * 5 / 2000))))
        for p, memo in zip(chosen, BLACKLIST_MEMOS * n, strict=False):
            p.profile = "trouble"
            p.blacklist = (rng.randint(p.registered_day + 150, -3), memo)
        free = [p for p in people if not p.blacklist and p.registered_day < -30]
        chosen = rng.sample(free, min(len(free), max(1, round(n * 15 / 2000))))
        for p, memo in zip(chosen, CAUTION_MEMOS * n, strict=False):
            p.caution = (rng.randint(p.registered_day + 10, -1), memo)
        free = [p for p in free if not p.caution and p.registered_day < -60]
        for p in rng.sample(free, min(len(free), max(1, round(n / 100)))):
            p.withdrawn = (rng.randint(p.registered_day + 30, -1), rng.choice(WITHDRAWAL_REASONS))
        introduced = self.m.routes["紹介"]
        for p in people:
            if p.index and introduced in p.data["inflow_route_ids"] and rng.random() < 0.6:
                p.referrer, p.referral_memo = rng.randrange(p.index), rng.choice(REFERRAL_MEMOS)

    # ------------------------------------------------------------------ bookings

    def bookings(self, p: Person) -> list[Booking]:
        """A customer's reservation history (and at most one upcoming reservation)."""
        rng = self.rng
        interval = {"regular": (28, 45), "occasional": (60, 100), "dormant": (35, 70), "trouble": (30, 60)}
        mean = rng.uniform(*interval.get(p.profile, (0, 0)))
        stop = min(d for d in (p.withdrawn and p.withdrawn[0], p.blacklist and p.blacklist[0],
                               FUTURE_DAYS + 1) if d is not None)
        limit = {"one_timer": 1, "dormant": rng.randint(2, 8)}.get(p.profile, 10**6)
        if p.profile == "dormant":
            stop = min(stop, -rng.randint(180, 500))
        out: list[Booking] = []
        # Two days after registering at the earliest, so a closed-day shift never moves a visit before it.
        day, visits, ticket = p.registered_day + rng.randint(2, 10), 0, None
        while day < stop and visits < limit:
            if day >= 0:  # one upcoming reservation at most (today: a slot still ahead, see place)
                out.append(self.booking(p, day, "future_cancel" if rng.random() < 0.05 else "future"))
                break
            kind = self.weighted(PAST_KINDS["trouble" if p.profile == "trouble" else "normal"])
            b = self.booking(p, day, kind, first=not out)
            out.append(b)
            if kind == "visit":
                visits += 1
                ticket = self.use_ticket(b, p, ticket, day)
                self.add_details(b)
                day += max(10, round(rng.gauss(mean, mean * 0.25)))
            elif p.profile == "one_timer" and rng.random() < 0.5:
                break  # cancelled and never came back
            else:
                day += rng.randint(2, 14)  # rebooked soon after the cancellation
        return out

    def booking(self, p: Person, day: int, kind: str, first: bool = False) -> Booking:
        rng = self.rng
        combo = rng.choice(p.combos) if rng.random() < 0.75 else self.weighted(
            COMBOS_MALE if p.male else COMBOS_FEMALE)
        channel = self.weighted(((C.SITE, 55 if p.line else 30), (C.PHONE, 25), (C.STAFF_APP, 25),
                                 (C.ADMIN, 10)))
        if channel == C.SITE and p.unpaid_fee:  # the site refuses customers with an unpaid fee
            channel = C.PHONE
        coupon = rng.random() < 0.5 and first and channel == C.SITE
        menus = [self.m.menus[name] for name in combo]
        prices = [(m.id, yen(m.price * 0.8) if coupon else m.price) for m in menus]
        memo = rng.choice(RESERVATION_MEMOS) if rng.random() < 0.05 else None
        memo = "初回クーポン利用" if coupon else memo
        b = self.base(p.index, day, menus, prices, channel, p.staff_id, occupy=kind in ("visit", "future"),
                      memo=memo)
        registered = self.at(p.registered_day, p.registered_minute)
        b.row["created_at"] = b.row["updated_at"] = min(max(b.row["created_at"], registered), self.now)
        if kind in ("future", "future_cancel"):
            self.settle_future(b, kind)
        else:
            unpaid = day > -90 and rng.random() < 0.7
            self.settle_past(b, kind, unpaid=unpaid, prepaid=channel == C.SITE and rng.random() < 0.6)
            p.unpaid_fee = p.unpaid_fee or b.row["status"] == S.CANCEL_FEE_UNPAID
        return b

    def base(self, person: int | None, day: int, menus: list[MenuInfo], prices: list[tuple[int, int]],
             channel: ReservationChannel, preferred: int | None, *, occupy: bool,
             memo: str | None) -> Booking:
        rng = self.rng
        minutes = sum(m.minutes for m in menus)
        sub = random.Random(rng.getrandbits(32))
        staff_id, open_day, slot = self.place(sub, preferred, day, minutes, occupy)
        start = self.at(open_day, OPEN_MINUTE + slot * 30)
        lead = timedelta(days=rng.randint(1, 45) if channel == C.STAFF_APP else rng.randint(0, 21),
                         hours=rng.randint(1, 10))
        created = start if channel == C.WALK_IN else start - lead
        by_staff = channel in (C.ADMIN, C.STAFF_APP, C.PHONE)
        row = {
            "customer_id": None, "guest_name": None, "guest_phone": None, "staff_member_id": staff_id,
            "start_at": start, "end_at": start + timedelta(minutes=minutes), "channel": channel,
            "status": None, "memo": memo, "visited_at": None, "cancelled_at": None, "cancel_kind": None,
            "is_late_cancel": False,
            "cancel_fee_yen": 0, "cancel_fee_paid_at": None, "cancel_fee_waived_at": None,
            "cancel_fee_waived_by_id": None, "created_at": created, "updated_at": created,
            "created_by_id": rng.choice((self.m.manager_id, self.m.staff_account_id)) if by_staff else None,
        }
        return Booking(person=person, row=row, menus=prices)

    def place(self, sub: random.Random, preferred: int | None, day: int, minutes: int,
              occupy: bool) -> tuple[int, int, int]:
        """A stylist and a free slot: the preferred stylist first, then anybody working that day.

        ``sub`` keeps the search off the main generator. Slots next to other bookings come first
        (a tight day leaves room for long colours). A full day ends in an overlap, as when an
        assistant takes over a colour.
        """
        open_day = self.open_day(day, sub)
        need = min(SLOTS, math.ceil(minutes / 30))
        ahead = list(range(SLOTS - need + 1))
        if open_day == 0:  # today (only upcoming bookings fall on it): the slots not begun yet
            ahead = [slot for slot in ahead if self.at(0, OPEN_MINUTE + slot * 30) > self.now]
            if not ahead:  # the day is over: tomorrow, or the day after when tomorrow is closed
                open_day, ahead = self.open_day(1, sub), list(range(SLOTS - need + 1))
        working = [s.id for s in self.m.staff if s.works(day)] or [s.id for s in self.m.staff]
        others = [s for s in working if s != preferred]
        sub.shuffle(others)
        order = ([preferred] if preferred in working else []) + others
        slots = ahead
        sub.shuffle(slots)
        full = (1 << need) - 1
        choice = None
        for sid in order:
            booked = self.schedule.get((sid, open_day), 0)
            free = [slot for slot in slots if not booked & (full << slot)]
            snug = [slot for slot in free if slot and booked >> (slot - 1) & 1 or booked >> (slot + need) & 1]
            if free:
                choice = (sid, (snug or free)[0])
                break
        sid, slot = choice or (order[0], slots[0])
        if occupy:
            self.schedule[(sid, open_day)] = self.schedule.get((sid, open_day), 0) | (full << slot)
        return sid, open_day, slot

    def settle_past(self, b: Booking, kind: str, *, unpaid: bool, prepaid: bool) -> None:
        rng, row = self.rng, b.row
        # Draw first, decide after: whatever the dates decide below, the stream stays aligned.
        u_at, u_paid, settle_days = rng.random(), rng.random(), rng.randint(1, 10)
        store_memo = rng.choice(STORE_CANCEL_MEMOS)
        start, created = row["start_at"], row["created_at"]
        if kind == "cancel" and start - timedelta(hours=25) <= created:
            kind = "late"  # booked within the deadline: any cancellation is late
        if kind == "visit":
            row.update(status=S.VISITED, visited_at=start, updated_at=row["end_at"])
            return
        soon_after_booking = created + timedelta(minutes=5)
        if kind == "cancel":
            at = created + (start - timedelta(hours=25) - created) * (0.2 + 0.8 * u_at)
            row.update(status=S.CANCELLED, cancel_kind=CancelKind.CUSTOMER)
        elif kind == "store":
            at = max(start - timedelta(hours=2 + 70 * u_at), soon_after_booking)
            row.update(status=S.STORE_CANCELLED_PREPAID if prepaid else S.CANCELLED,
                       cancel_kind=CancelKind.STORE, memo=store_memo,
                       channel=C.SITE if prepaid else row["channel"])
        else:  # a late cancel or a no-show: both after the deadline, and a fee is owed
            if kind == "late":
                at = max(start - timedelta(minutes=30 + (23 * 60 - 30) * u_at), soon_after_booking)
            else:
                at = start + timedelta(minutes=20 + 40 * u_at)
            fee = yen(sum(price for _, price in b.menus) * self.m.fee_percent / 100)
            row.update(cancel_kind=CancelKind.LATE if kind == "late" else CancelKind.NO_SHOW,
                       is_late_cancel=True, cancel_fee_yen=fee,
                       status=S.CANCEL_FEE_UNPAID if unpaid else S.CANCELLED)
            if not unpaid:  # paid, or waived by the manager
                settled = min(at + timedelta(days=settle_days), self.now)
                if u_paid < 0.8:
                    row["cancel_fee_paid_at"] = settled
                else:
                    row.update(cancel_fee_waived_at=settled, cancel_fee_waived_by_id=self.m.manager_id)
                row["updated_at"] = settled
        row["cancelled_at"] = at
        row["updated_at"] = max(row["updated_at"], at)

    def settle_future(self, b: Booking, kind: str) -> None:
        row = b.row
        row["created_at"] = row["updated_at"] = min(row["created_at"], self.now - timedelta(hours=1))
        if kind == "future_cancel":
            at = row["created_at"] + (self.now - row["created_at"]) * self.rng.uniform(0.1, 0.9)
            row.update(status=S.CANCELLED, cancel_kind=CancelKind.CUSTOMER, cancelled_at=at, updated_at=at)
        elif row["channel"] == C.SITE:
            row["status"] = self.weighted(((S.PREPAID, 35), (S.PREPAYMENT_UNPAID, 20), (S.BOOKED, 30),
                                           (S.TENTATIVE, 15)))
        else:
            row["status"] = self.weighted(((S.BOOKED, 75), (S.TENTATIVE, 25)))

    def ensure_every_status(self, bookings: list[Booking]) -> None:
        """Rewrite a few bookings so that every status shows (when the sample is small)."""
        counts = {s: 0 for s in ReservationStatus} | _count(b.row["status"] for b in bookings)
        for status in ReservationStatus:
            if counts[status] or status == S.VISITED:
                continue
            if status in FUTURE_STATUSES:
                pool = [b for b in bookings
                        if b.row["status"] in FUTURE_STATUSES and counts[b.row["status"]] > 1]
            else:
                pool = [b for b in bookings if b.row["status"] == S.VISITED and b.purchase is None
                        and b.person is not None and counts[S.VISITED] > 1]
            if not pool:
                continue
            b = max(pool, key=lambda b: b.row["start_at"])
            counts[b.row["status"]] -= 1
            if status in FUTURE_STATUSES:
                b.row.update(status=status, channel=C.SITE if status in (S.PREPAID, S.PREPAYMENT_UNPAID)
                             else b.row["channel"])
            else:
                b.row.update(status=None, visited_at=None)
                b.report, b.karte, b.visit_memo = None, [], None
                kind = {S.CANCELLED: "cancel", S.CANCEL_FEE_UNPAID: "late"}.get(status, "store")
                self.settle_past(b, kind, unpaid=status == S.CANCEL_FEE_UNPAID, prepaid=True)
            counts[b.row["status"]] += 1

    # ------------------------------------------------------------------ details of a visit

    def use_ticket(self, b: Booking, p: Person, active: Purchase | None, day: int) -> Purchase | None:
        """Use the customer's ticket when it covers this visit, or sometimes buy one at checkout.

        Validity is judged on the planned ``day`` with two days to spare (the closed-day shift
        moves a visit by one), so the decisions do not depend on the calendar.
        """
        rng = self.rng
        buy, extend, pick, changed = rng.random(), rng.random(), rng.random(), rng.randint(1, 60)
        reason = rng.choice(TICKET_EXTENSION_REASONS)
        menu_ids, staff = {m for m, _ in b.menus}, b.row["staff_member_id"]

        def usable(t: TicketInfo) -> bool:
            return bool(t.menu_ids & menu_ids) and (t.staff_ids is None or staff in t.staff_ids)

        live = (active is not None and day <= active.expires_day - 2
                and len(active.uses) < active.ticket.uses)
        if live and usable(active.ticket):
            active.uses.append(b)
            b.purchase = active
            return active
        options = [t for t in self.m.tickets if usable(t)]
        if live or not options or p.profile not in ("regular", "occasional") or buy >= 0.025:
            return active
        ticket = options[int(pick * len(options))]
        bought = b.row["start_at"].astimezone(JST).date()
        expires = bought + timedelta(days=ticket.validity_days)
        purchase = Purchase(p.index, ticket, bought, expires, day + ticket.validity_days, b.row["end_at"],
                            uses=[b])
        if extend < 0.08 and purchase.expires_day - changed <= -2:  # extended by the manager, 90 days
            purchase.change = {"old_expires_on": expires, "new_expires_on": expires + timedelta(days=90),
                               "changed_by_id": self.m.manager_id, "reason": reason,
                               "changed_at": self.at(purchase.expires_day - changed, 18 * 60)}
            purchase.expires_on += timedelta(days=90)
            purchase.expires_day += 90
        b.purchase = purchase
        return purchase

    def add_details(self, b: Booking, *, karte: bool = True) -> None:
        """Sales report (most visits), technical karte and a visit memo (some)."""
        rng = self.rng
        menus = [self.menu_by_id[m] for m, _ in b.menus]
        staff, visit_date = b.row["staff_member_id"], b.row["start_at"].astimezone(JST).date()
        done = b.row["end_at"] + timedelta(minutes=rng.randint(5, 120))
        if rng.random() < 0.6:
            amount = sum(price for _, price in b.menus)
            if b.purchase:
                amount -= sum(price for m, price in b.menus if m in b.purchase.ticket.menu_ids)
                amount += b.purchase.ticket.price if b.purchase.uses[0] is b else 0
            b.report = {"staff_member_id": staff, "treatment": self.treatment(menus, b), "amount_yen": amount,
                        "customer_request": rng.choice(REQUESTS) or None,
                        "next_proposal": rng.choice(PROPOSALS) or None,
                        "created_at": done, "updated_at": done}
        if not karte:
            return
        entry = {"visit_date": visit_date, "staff_member_id": staff, "copied_from_id": None,
                 "created_at": done, "updated_at": done}
        for m in menus:
            recipes = KARTE_RECIPES.get(m.category)
            if recipes and rng.random() < 0.5:
                category, details = self.m.karte[m.category]
                b.karte.append({**entry, "category_id": category, "detail_id": details["薬剤"],
                                "text": f"{m.name}: {rng.choice(recipes)}"})
        if rng.random() < 0.08:
            category, details = self.m.karte["頭皮・毛髪の状態"]
            b.karte.append({**entry, "category_id": category, "detail_id": details["頭皮"],
                            "text": rng.choice(SCALP_NOTES)})
        if rng.random() < 0.08:
            b.visit_memo = {"visit_date": visit_date, "text": rng.choice(VISIT_MEMOS),
                            "staff_member_id": staff, "created_at": done, "updated_at": done}

    def treatment(self, menus: list[MenuInfo], b: Booking) -> str:
        details = {"カット": CUT_STYLES, "カラー": COLOR_RECIPES, "パーマ": PERM_RECIPES,
                   "縮毛矯正": STRAIGHT_RECIPES, "ヘッドスパ": SCALP_NOTES}
        lines = [f"{m.name}: {self.rng.choice(details[m.category])}" if m.category in details else m.name
                 for m in menus]
        if b.purchase:
            left = b.purchase.ticket.uses - len(b.purchase.uses)
            lines.append(f"回数券使用(残り{left}回)")
        return "\n".join(lines)

    # ------------------------------------------------------------------ walk-ins

    def walk_ins(self, reservations: int) -> list[Booking]:
        """非会員: walk-in guests without a customer record, about 2% of all reservations."""
        rng = self.rng
        target = round(reservations * WALK_IN_SHARE / (1 - WALK_IN_SHARE))
        out: list[Booking] = []
        while len(out) < target:
            male = rng.random() < 0.35
            last, last_kana = rng.choice(SURNAMES)
            first, first_kana = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
            name = f"{last} {first}" if rng.random() < 0.7 else f"{last_kana} {first_kana}"
            phone = self.phone() if rng.random() < 0.5 else None
            day = rng.randint(-HISTORY_DAYS, -2)
            for _ in range(self.weighted(((1, 75), (2, 18), (3, 7)))):
                if day >= 0 or len(out) >= target:
                    break
                menus = [self.m.menus[n] for n in self.weighted(WALK_IN_COMBOS)]
                b = self.base(None, day, menus, [(m.id, m.price) for m in menus], C.WALK_IN, None,
                              occupy=True, memo=None)
                b.row.update(guest_name=name, guest_phone=phone)
                self.settle_past(b, "visit", unpaid=False, prepaid=False)
                self.add_details(b, karte=False)
                out.append(b)
                day += rng.randint(14, 60)
        return out


def _count(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
