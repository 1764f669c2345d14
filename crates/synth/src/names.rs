//! Chinese names for people, places, companies and projects.
//!
//! Frequencies are rough but plausible: surnames follow the national ranking (a village also has
//! two or three dominant clans), given names differ by gender and by generation.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The 100 most common surnames, most frequent first.
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
    "莫", "孔", "向", "汤",
];

const MALE_OLD: &[&str] = &[
    "德", "福", "贵", "荣", "富", "才", "财", "发", "有", "林", "根", "生", "明", "国", "建", "华",
    "文", "志", "长", "金", "水", "山", "海", "春", "保", "全", "广", "学", "忠", "义", "成", "万",
    "宝", "兴", "庆", "和", "平", "安", "清", "永",
];
const MALE_NEW: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "超", "鹏", "浩", "宇", "俊", "斌", "波", "辉", "刚",
    "健", "峰", "亮", "飞", "阳", "晨", "博", "轩", "昊", "睿", "泽", "凯", "鑫", "航", "子", "宏",
    "东", "明", "一", "浩", "然", "梓", "天", "嘉",
];
const FEMALE_OLD: &[&str] = &[
    "秀", "英", "兰", "珍", "凤", "芳", "桂", "玉", "香", "花", "梅", "翠", "莲", "琴", "素", "淑",
    "菊", "云", "春", "金", "爱", "巧", "月", "彩", "银", "荣", "华", "红", "霞", "美",
];
const FEMALE_NEW: &[&str] = &[
    "丽", "静", "敏", "燕", "娟", "艳", "婷", "雪", "慧", "颖", "琳", "晶", "欣", "怡", "佳", "梦",
    "雨", "涵", "萱", "诗", "思", "雅", "悦", "可", "欣", "琪", "玲", "倩", "瑶", "璐",
];

/// A surname drawn from the national distribution (front-loaded: index ~ skewed towards 0).
pub fn surname(rng: &mut ChaCha8Rng) -> &'static str {
    let u: f64 = rng.gen();
    let idx = ((u * u) * SURNAMES.len() as f64) as usize;
    SURNAMES[idx.min(SURNAMES.len() - 1)]
}

/// A given name of one or two characters; people born before 1975 get older-style names.
pub fn given_name(rng: &mut ChaCha8Rng, male: bool, birth_year: i32) -> String {
    let old = birth_year < 1975;
    let pool = match (male, old) {
        (true, true) => MALE_OLD,
        (true, false) => MALE_NEW,
        (false, true) => FEMALE_OLD,
        (false, false) => FEMALE_NEW,
    };
    let mut s = String::new();
    s.push_str(pool.choose(rng).expect("non-empty pool"));
    if rng.gen_bool(0.8) {
        s.push_str(pool.choose(rng).expect("non-empty pool"));
    }
    s
}

const PLACE_A: &[&str] = &[
    "石", "青", "白", "黄", "红", "柳", "桃", "杏", "梨", "松", "竹", "龙", "凤", "马", "牛", "鹤",
    "燕", "金", "银", "新", "东", "西", "南", "北", "上", "下", "大", "小", "高", "长", "双", "三",
    "五", "七", "九", "永", "太", "和", "兴", "安", "丰", "清", "花", "枫", "桂", "茶", "梅", "沙",
    "泉", "明",
];
const PLACE_B: &[&str] = &[
    "河", "山", "岭", "坪", "沟", "湾", "桥", "塘", "坝", "溪", "泉", "林", "田", "湖", "岗", "台",
    "源", "口", "园", "峰", "庄", "店", "集", "寨", "堡", "铺", "冲", "垭", "坡", "畈",
];
const CLAN_SUFFIX: &[&str] = &[
    "家湾", "家庄", "家沟", "家坪", "家岭", "家桥", "家坝", "家营", "家寨", "家畈",
];

/// A two- or three-character place stem (without 村/镇).
pub fn place_stem(rng: &mut ChaCha8Rng) -> String {
    if rng.gen_bool(0.3) {
        format!(
            "{}{}",
            surname(rng),
            CLAN_SUFFIX.choose(rng).expect("non-empty")
        )
    } else {
        format!(
            "{}{}",
            PLACE_A.choose(rng).expect("non-empty"),
            PLACE_B.choose(rng).expect("non-empty")
        )
    }
}

const BRAND: &[&str] = &[
    "鑫达", "宏远", "恒通", "华盛", "永固", "建安", "顺发", "兴旺", "金诚", "利民", "昌盛", "隆基",
    "锦程", "泰和", "宏达", "盛世", "天成", "万通", "中联", "信诚", "广源", "正阳", "嘉禾", "瑞丰",
    "富民", "绿源", "丰泽", "聚力", "鸿运", "同创", "力拓", "宇恒", "众诚", "润华", "德润", "长青",
    "裕丰", "安泰", "宏基", "新禾", "金穗", "兴农", "明辉", "晟达", "博远",
];

/// A company brand (字号) of two characters, possibly with a disambiguating third.
pub fn brand(rng: &mut ChaCha8Rng) -> String {
    let mut b = BRAND.choose(rng).expect("non-empty").to_string();
    if rng.gen_bool(0.5) {
        b.push_str(PLACE_A.choose(rng).expect("non-empty"));
    }
    b
}

/// The short form of a county name used in company names (忠县 stays 忠县, 龙安区 becomes 龙安).
pub fn county_short(county: &str) -> String {
    let chars: Vec<char> = county.chars().collect();
    if chars.len() > 2 {
        chars[..chars.len() - 1].iter().collect()
    } else {
        county.to_string()
    }
}

pub const CONSTRUCTION_KINDS: &[&str] = &[
    "建筑工程有限公司",
    "市政工程有限公司",
    "水利水电工程有限公司",
    "路桥工程有限公司",
    "建设工程有限公司",
];
pub const SUPPLIER_KINDS: &[&str] = &[
    "办公用品经营部",
    "建材经营部",
    "农资经营部",
    "五金机电店",
    "文印店",
    "商贸有限公司",
    "电器经营部",
    "劳保用品店",
];
pub const FARM_KINDS: &[&str] = &[
    "种植专业合作社",
    "农业开发有限公司",
    "家庭农场",
    "养殖专业合作社",
    "生态农业有限公司",
    "林业开发有限公司",
];
pub const OTHER_KINDS: &[&str] = &[
    "餐饮店",
    "物流有限公司",
    "贸易有限公司",
    "服装店",
    "汽车修理厂",
];

pub const ROADS: &[&str] = &[
    "人民路",
    "建设路",
    "解放路",
    "新华路",
    "中山路",
    "滨河路",
    "工业路",
    "迎宾大道",
    "文化路",
    "兴业路",
];

pub const PROJECT_NAMES: &[&str] = &[
    "村组道路硬化工程",
    "饮水安全巩固提升工程",
    "农田水利渠道维修工程",
    "村部办公用房维修工程",
    "文化广场建设工程",
    "山塘清淤整治工程",
    "路灯安装工程",
    "生产便道建设工程",
    "河道护坡工程",
    "人居环境整治工程",
    "产业路拓宽工程",
    "排水沟渠建设工程",
    "公共厕所改造工程",
    "小型提灌站维修工程",
    "便民桥修建工程",
];

pub const DECISION_SUBJECTS: &[&str] = &[
    "村规民约修订",
    "村集体经济年度收支预算",
    "一事一议筹资筹劳方案",
    "村集体经济发展项目",
    "集体资产清产核资结果",
    "人居环境整治实施方案",
    "村级公益岗位设置方案",
];

pub fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("non-empty list")
}

/// The abbreviation used on licence plates for the province in the first two code digits.
pub fn plate_prefix(province2: &str) -> &'static str {
    match province2 {
        "11" => "京",
        "12" => "津",
        "13" => "冀",
        "14" => "晋",
        "15" => "蒙",
        "21" => "辽",
        "22" => "吉",
        "23" => "黑",
        "31" => "沪",
        "32" => "苏",
        "33" => "浙",
        "34" => "皖",
        "35" => "闽",
        "36" => "赣",
        "37" => "鲁",
        "41" => "豫",
        "42" => "鄂",
        "43" => "湘",
        "44" => "粤",
        "45" => "桂",
        "46" => "琼",
        "50" => "渝",
        "51" => "川",
        "52" => "贵",
        "53" => "云",
        "54" => "藏",
        "61" => "陕",
        "62" => "甘",
        "63" => "青",
        "64" => "宁",
        "65" => "新",
        _ => "军",
    }
}
