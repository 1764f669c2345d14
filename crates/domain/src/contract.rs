//! The data contract, version 1, as data: the 22 tables agencies hand in, their columns (English
//! names and Chinese aliases), how each column is parsed, what must be unique, what refers to
//! what, and how a later file of the same table is loaded.
//!
//! Ingest, storage and the docs are all driven from these tables, so a column exists in exactly
//! one place.

// The value types are used by path below: their names double as `Kind` variants.
use crate::{clean, dates, Invalid};

/// How a column's text is parsed and stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text (titles, addresses, company names), trimmed.
    Text,
    /// A record's own identifier or code (payment id, household id, plate): folded to ASCII
    /// where it can be, blanks removed.
    Code,
    /// A person's name: blanks removed, traditional characters folded to simplified, so the
    /// same person is spelt the same in every register.
    PersonName,
    /// A bank account number: its digits (and letters) only, grouping separators removed.
    AccountNumber,
    /// A telephone number: grouping separators removed, otherwise as written (never refused).
    Phone,
    /// Resident ID number, fully validated.
    IdNumber,
    /// Resident ID number in the money being checked: the shape must be right, but a wrong check
    /// character or birth date is imported as recorded with a warning (the rules flag it).
    IdNumberAsRecorded,
    CreditCode,
    /// A resident ID number or a credit code (counterparties, bidders, winners).
    PartyId,
    /// Semicolon-separated resident ID numbers.
    IdNumberList,
    DivisionCode,
    Date,
    Period,
    /// Yuan in the file, integer fen in the store; never negative.
    Money,
    /// A non-negative whole number (counts of people).
    Count,
    /// A non-negative decimal that is not money (areas in mu or m², share percentages).
    Decimal,
    Bool,
    /// One of a fixed set of codes, each with accepted spellings.
    Enum(&'static [Choice]),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub code: &'static str,
    pub spellings: &'static [&'static str],
}

const fn choice(code: &'static str, spellings: &'static [&'static str]) -> Choice {
    Choice { code, spellings }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// Chinese header spellings accepted for this column; the first is the one documented.
    pub zh: &'static [&'static str],
    pub kind: Kind,
    pub required: bool,
    /// Stored when the column is absent or the cell is empty.
    pub default: Option<&'static str>,
}

const fn req(name: &'static str, zh: &'static [&'static str], kind: Kind) -> Column {
    Column {
        name,
        zh,
        kind,
        required: true,
        default: None,
    }
}

const fn opt(name: &'static str, zh: &'static [&'static str], kind: Kind) -> Column {
    Column {
        name,
        zh,
        kind,
        required: false,
        default: None,
    }
}

const fn dflt(
    name: &'static str,
    zh: &'static [&'static str],
    kind: Kind,
    default: &'static str,
) -> Column {
    Column {
        name,
        zh,
        kind,
        required: false,
        default: Some(default),
    }
}

/// What a later file of a table already in the store does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// A register exported whole each time (persons, officials, …): the new file replaces the
    /// table's rows.
    Replace,
    /// A ledger delivered in instalments (monthly payment files, vouchers, …): new rows are
    /// added; a row whose key is already stored with identical values is recognised and skipped;
    /// the same key with different values is an error (ledgers are never rewritten silently).
    Append,
}

/// `column` of this table must name an existing `target_column` of `target_table`.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub column: &'static str,
    pub target_table: &'static str,
    pub target_column: &'static str,
}

const fn refers(
    column: &'static str,
    target_table: &'static str,
    target_column: &'static str,
) -> Reference {
    Reference {
        column,
        target_table,
        target_column,
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub zh: &'static str,
    pub columns: &'static [Column],
    /// Columns whose values together are unique; empty = no uniqueness required.
    pub key: &'static [&'static str],
    pub loading: Loading,
    pub references: &'static [Reference],
}

impl Table {
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Resolves a header cell (English name, any case, or a Chinese alias) to a column index.
    pub fn resolve_header(&self, header: &str) -> Option<usize> {
        let h = header.trim().trim_end_matches('*');
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(h) || c.zh.contains(&h))
    }
}

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

// ---------------------------------------------------------------------------------------------
// Enumerations

const LEVELS: &[Choice] = &[
    choice("county", &["县", "县级", "区", "市"]),
    choice("township", &["乡镇", "乡", "镇", "街道"]),
    choice("village", &["村", "社区", "村/社区"]),
];
const GENDERS: &[Choice] = &[
    choice("男", &["M", "male", "男性"]),
    choice("女", &["F", "female", "女性"]),
];
const RELATIONS_TO_HEAD: &[Choice] = &[
    choice("head", &["户主", "本人"]),
    choice("spouse", &["配偶", "妻", "夫"]),
    choice("child", &["子女", "子", "女", "儿子", "女儿"]),
    choice("parent", &["父母", "父亲", "母亲"]),
    choice("grandchild", &["孙子女", "孙子", "孙女"]),
    choice("sibling", &["兄弟姐妹"]),
    choice("other", &["其他"]),
];
const DEATH_SOURCES: &[Choice] = &[
    choice("funeral", &["殡葬", "民政殡葬"]),
    choice("health", &["卫健", "卫生健康"]),
    choice("police", &["公安"]),
    choice("other", &["其他"]),
];
const OFFICIAL_CATEGORIES: &[Choice] = &[
    choice("village_cadre", &["村干部"]),
    choice("township_official", &["乡镇干部"]),
    choice("public_employee", &["财政供养人员"]),
];
const DECLARED_RELATIONS: &[Choice] = &[
    choice("spouse", &["配偶"]),
    choice("parent", &["父母"]),
    choice("child", &["子女"]),
    choice("sibling", &["兄弟姐妹"]),
    choice("child_in_law", &["子女配偶", "儿媳", "女婿"]),
    choice("parent_in_law", &["配偶父母", "岳父母", "公婆"]),
    choice("other", &["其他"]),
];
const COMPANY_STATUS: &[Choice] = &[
    choice("active", &["存续", "在业", "开业"]),
    choice("deregistered", &["注销"]),
    choice("revoked", &["吊销"]),
];
const COMPANY_ROLES: &[Choice] = &[
    choice("shareholder", &["股东"]),
    choice("legal_rep", &["法定代表人"]),
    choice("director", &["董事"]),
    choice("supervisor", &["监事"]),
    choice("manager", &["经理"]),
];
const VEHICLE_TYPES: &[Choice] = &[
    choice("passenger_car", &["小型汽车", "载客汽车", "轿车"]),
    choice("truck", &["货车", "载货汽车"]),
    choice("motorcycle", &["摩托车"]),
    choice("tractor", &["拖拉机"]),
    choice("farm_vehicle", &["农用车", "农用运输车"]),
    choice("other", &["其他"]),
];
const PROPERTY_KINDS: &[Choice] = &[
    choice("residential", &["住宅"]),
    choice("commercial", &["商业", "商铺", "商服"]),
    choice("other", &["其他"]),
];
const UNITS: &[Choice] = &[
    choice("person", &["人"]),
    choice("household", &["户"]),
    choice("mu", &["亩"]),
];
const FREQUENCIES: &[Choice] = &[
    choice("monthly", &["按月", "月"]),
    choice("quarterly", &["按季", "季"]),
    choice("annual", &["按年", "年"]),
    choice("one_off", &["一次性"]),
];
const DIRECTIONS: &[Choice] = &[choice("income", &["收入"]), choice("expense", &["支出"])];

/// Voucher categories; the first four are income, the rest expense.
pub const INCOME_CATEGORIES: &[&str] = &[
    "operating_income",
    "contract_income",
    "subsidy_income",
    "other_income",
];
const VOUCHER_CATEGORIES: &[Choice] = &[
    choice("operating_income", &["经营收入"]),
    choice("contract_income", &["发包及上交收入"]),
    choice("subsidy_income", &["补助收入"]),
    choice("other_income", &["其他收入"]),
    choice("operating_cost", &["经营支出"]),
    choice("office", &["办公费"]),
    choice("hospitality", &["招待费"]),
    choice("travel", &["差旅费"]),
    choice("cadre_pay", &["干部报酬"]),
    choice("public_welfare", &["公益支出"]),
    choice("construction", &["工程支出"]),
    choice("labour", &["劳务费"]),
    choice("other_expense", &["其他支出"]),
];
const PAY_METHODS: &[Choice] = &[choice("cash", &["现金"]), choice("bank", &["银行", "转账"])];
const CONTRACT_KINDS: &[Choice] = &[
    choice("land_transfer", &["土地流转", "土地发包"]),
    choice("forest_transfer", &["林地流转"]),
    choice("pond_lease", &["坑塘出租", "鱼塘出租"]),
    choice("building_lease", &["房屋出租"]),
    choice("other", &["其他"]),
];
/// Asset classes of the collective's asset cards (农村集体资产清产核资: 资源性、经营性、非经营性).
const ASSET_CATEGORIES: &[Choice] = &[
    choice("land", &["土地", "耕地"]),
    choice("forest", &["林地", "山林"]),
    choice("water", &["水面", "坑塘"]),
    choice("building", &["房屋", "房屋建筑物"]),
    choice("facility", &["基础设施", "公益设施"]),
    choice("equipment", &["机器设备", "设备"]),
    choice("vehicle", &["车辆"]),
    choice("other", &["其他"]),
];
const ASSET_STATUS: &[Choice] = &[
    choice("in_use", &["自用", "在用"]),
    choice("leased", &["出租", "发包"]),
    choice("idle", &["闲置"]),
    choice("disposed", &["已处置", "已出售", "报废"]),
];
/// Which way a debt runs: the village owes (borrowing, unpaid works) or is owed.
const DEBT_DIRECTIONS: &[Choice] = &[
    choice("payable", &["应付", "借入", "债务"]),
    choice("receivable", &["应收", "借出", "债权"]),
];
const MEETING_KINDS: &[Choice] = &[
    choice("villagers", &["村民会议"]),
    choice("representatives", &["村民代表会议"]),
];
const PROCUREMENT_METHODS: &[Choice] = &[
    choice("open", &["公开招标"]),
    choice("invited", &["邀请招标"]),
    choice("inquiry", &["询价", "竞争性谈判"]),
    choice("direct", &["直接发包", "直接委托"]),
];
const BID_STATUS: &[Choice] = &[
    choice("valid", &["有效"]),
    choice("disqualified", &["无效", "废标"]),
    choice("withdrawn", &["撤回"]),
];
const DISCLOSURE_CATEGORIES: &[Choice] = &[
    choice("finance", &["财务公开", "财务"]),
    choice("affairs", &["村务公开", "村务"]),
    choice("party", &["党务公开", "党务"]),
    choice("subsidy_roster", &["惠民补贴名册", "补贴名册"]),
    choice("project", &["工程项目", "项目"]),
    choice("contract", &["合同", "资产资源"]),
];

// ---------------------------------------------------------------------------------------------
// Tables

use Kind::*;

const ID: &[&str] = &["身份证号", "公民身份号码", "身份证号码"];
const NAME: &[&str] = &["姓名"];

pub static TABLES: &[Table] = &[
    Table {
        name: "divisions",
        zh: "行政区划",
        columns: &[
            req("code", &["代码", "区划代码"], DivisionCode),
            req("name", &["名称"], Text),
            req("level", &["级别", "层级"], Enum(LEVELS)),
            opt("parent_code", &["上级代码"], DivisionCode),
        ],
        key: &["code"],
        loading: Loading::Replace,
        references: &[refers("parent_code", "divisions", "code")],
    },
    Table {
        name: "persons",
        zh: "户籍人口",
        columns: &[
            req("id_number", ID, IdNumber),
            req("name", NAME, PersonName),
            opt("gender", &["性别"], Enum(GENDERS)),
            opt("birth_date", &["出生日期"], Date),
            req("village_code", &["村代码"], DivisionCode),
            req("household_id", &["户号"], Code),
            req("relation_to_head", &["与户主关系"], Enum(RELATIONS_TO_HEAD)),
            opt("phone", &["电话", "联系电话"], Phone),
        ],
        key: &["id_number"],
        loading: Loading::Replace,
        references: &[refers("village_code", "divisions", "code")],
    },
    Table {
        name: "deaths",
        zh: "死亡登记",
        columns: &[
            req("id_number", ID, IdNumber),
            req("name", NAME, PersonName),
            req("death_date", &["死亡日期"], Date),
            opt("source", &["来源"], Enum(DEATH_SOURCES)),
        ],
        key: &["id_number"],
        loading: Loading::Replace,
        references: &[],
    },
    Table {
        name: "officials",
        zh: "干部及公职人员",
        columns: &[
            req("id_number", ID, IdNumber),
            req("name", NAME, PersonName),
            req("division_code", &["任职单位区划", "区划代码"], DivisionCode),
            req("org_name", &["单位"], Text),
            req("position", &["职务"], Text),
            req("category", &["类别"], Enum(OFFICIAL_CATEGORIES)),
            req("start_date", &["任职起", "任职开始"], Date),
            opt("end_date", &["任职止", "任职结束"], Date),
        ],
        key: &["id_number", "org_name", "position", "start_date"],
        loading: Loading::Replace,
        references: &[refers("division_code", "divisions", "code")],
    },
    Table {
        name: "declared_relations",
        zh: "个人有关事项报告·亲属",
        columns: &[
            req("official_id_number", &["干部身份证号"], IdNumber),
            req("relative_id_number", &["亲属身份证号"], IdNumber),
            req("relative_name", &["亲属姓名"], PersonName),
            req("relation", &["关系"], Enum(DECLARED_RELATIONS)),
            req("declared_on", &["报告日期"], Date),
        ],
        key: &["official_id_number", "relative_id_number"],
        loading: Loading::Replace,
        references: &[refers("official_id_number", "officials", "id_number")],
    },
    Table {
        name: "companies",
        zh: "市场主体登记",
        columns: &[
            req("credit_code", &["统一社会信用代码"], CreditCode),
            req("name", &["名称", "企业名称"], Text),
            opt("legal_rep_id_number", &["法定代表人身份证号"], IdNumber),
            opt("legal_rep_name", &["法定代表人"], PersonName),
            opt("address", &["地址", "住所"], Text),
            opt("phone", &["电话", "联系电话"], Phone),
            req("established_on", &["成立日期"], Date),
            dflt(
                "status",
                &["状态", "登记状态"],
                Enum(COMPANY_STATUS),
                "active",
            ),
        ],
        key: &["credit_code"],
        loading: Loading::Replace,
        references: &[],
    },
    Table {
        name: "company_people",
        zh: "股东及主要人员",
        columns: &[
            req("credit_code", &["统一社会信用代码"], CreditCode),
            req("id_number", ID, IdNumber),
            req("name", NAME, PersonName),
            req("role", &["角色", "职务"], Enum(COMPANY_ROLES)),
            opt("share_pct", &["持股比例"], Decimal),
        ],
        key: &["credit_code", "id_number", "role"],
        loading: Loading::Replace,
        references: &[refers("credit_code", "companies", "credit_code")],
    },
    Table {
        name: "vehicles",
        zh: "机动车登记",
        columns: &[
            req("owner_id_number", &["所有人身份证号"], IdNumber),
            req("plate", &["号牌号码", "车牌"], Code),
            req("vehicle_type", &["车辆类型"], Enum(VEHICLE_TYPES)),
            req("registered_on", &["登记日期"], Date),
            opt("deregistered_on", &["注销日期"], Date),
        ],
        key: &["plate", "registered_on"],
        loading: Loading::Replace,
        references: &[],
    },
    Table {
        name: "properties",
        zh: "不动产登记",
        columns: &[
            req("owner_id_number", &["权利人身份证号"], IdNumber),
            req("property_id", &["不动产单元号", "不动产编号"], Code),
            req("kind", &["用途", "类型"], Enum(PROPERTY_KINDS)),
            opt("location", &["坐落"], Text),
            opt("area_m2", &["面积"], Decimal),
            req("registered_on", &["登记日期"], Date),
        ],
        key: &["property_id"],
        loading: Loading::Replace,
        references: &[],
    },
    Table {
        name: "programs",
        zh: "补贴项目",
        columns: &[
            req("program_code", &["项目代码"], Code),
            req("name", &["项目名称", "名称"], Text),
            req("means_tested", &["是否家庭经济状况审核"], Bool),
            req("unit", &["单位"], Enum(UNITS)),
            opt("rate", &["标准"], Money),
            req("frequency", &["发放频次"], Enum(FREQUENCIES)),
            dflt("publicity_days", &["公示天数"], Count, "7"),
        ],
        key: &["program_code"],
        loading: Loading::Replace,
        references: &[],
    },
    Table {
        name: "entitlements",
        zh: "审批名册(应发)",
        columns: &[
            req("entitlement_id", &["名册编号"], Code),
            req("program_code", &["项目代码"], Code),
            req("period", &["期间", "所属期"], Period),
            req("village_code", &["村代码"], DivisionCode),
            req(
                "beneficiary_id_number",
                &["享受人身份证号", "身份证号"],
                IdNumberAsRecorded,
            ),
            req("beneficiary_name", &["享受人姓名", "姓名"], PersonName),
            opt("household_id", &["户号"], Code),
            opt("quantity", &["数量"], Decimal),
            req("amount", &["应发金额", "金额"], Money),
            req("approved_on", &["审批日期"], Date),
            opt("publicity_start", &["公示开始"], Date),
            opt("publicity_end", &["公示结束"], Date),
            dflt("relative_filed", &["近亲属备案"], Bool, "false"),
        ],
        key: &["entitlement_id"],
        loading: Loading::Append,
        references: &[
            refers("program_code", "programs", "program_code"),
            refers("village_code", "divisions", "code"),
        ],
    },
    Table {
        name: "payments",
        zh: "一卡通发放(实发)",
        columns: &[
            req("payment_id", &["发放编号"], Code),
            opt("entitlement_id", &["名册编号"], Code),
            req("program_code", &["项目代码"], Code),
            req("period", &["期间", "所属期"], Period),
            req(
                "beneficiary_id_number",
                &["享受人身份证号", "身份证号"],
                IdNumberAsRecorded,
            ),
            req("beneficiary_name", &["享受人姓名", "姓名"], PersonName),
            req("account_number", &["账号", "银行账号"], AccountNumber),
            req(
                "account_holder_id_number",
                &["户主身份证号", "账户持有人身份证号"],
                IdNumberAsRecorded,
            ),
            req(
                "account_holder_name",
                &["账户持有人姓名", "账户名"],
                PersonName,
            ),
            req("amount", &["实发金额", "金额"], Money),
            req("paid_on", &["发放日期"], Date),
            opt("payer", &["发放机构"], Text),
        ],
        key: &["payment_id"],
        loading: Loading::Append,
        references: &[
            refers("program_code", "programs", "program_code"),
            refers("entitlement_id", "entitlements", "entitlement_id"),
        ],
    },
    Table {
        name: "land_contracts",
        zh: "土地承包",
        columns: &[
            req("contract_id", &["合同编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("household_id", &["户号"], Code),
            req("contractor_id_number", &["承包方代表身份证号"], IdNumber),
            req("area_mu", &["面积", "承包面积"], Decimal),
            req("start_date", &["开始日期"], Date),
            req("end_date", &["结束日期"], Date),
        ],
        key: &["contract_id"],
        loading: Loading::Replace,
        references: &[refers("village_code", "divisions", "code")],
    },
    Table {
        name: "vouchers",
        zh: "村集体记账凭证",
        columns: &[
            req("voucher_id", &["凭证号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("date", &["日期"], Date),
            req("direction", &["收支方向"], Enum(DIRECTIONS)),
            req("category", &["科目", "类别"], Enum(VOUCHER_CATEGORIES)),
            req("amount", &["金额"], Money),
            req("method", &["结算方式"], Enum(PAY_METHODS)),
            opt("counterparty_name", &["对方名称", "收款方"], Text),
            opt("counterparty_id", &["对方证件号"], PartyId),
            opt("contract_id", &["合同编号"], Code),
            opt("project_id", &["项目编号"], Code),
            opt("decision_id", &["决策编号"], Code),
            opt("description", &["摘要"], Text),
            opt("approved_by", &["审批人"], IdNumberList),
            req(
                "supervisor_signed",
                &["村务监督委员会签字", "监委会签字"],
                Bool,
            ),
        ],
        key: &["voucher_id"],
        loading: Loading::Append,
        references: &[
            refers("village_code", "divisions", "code"),
            refers("contract_id", "collective_contracts", "contract_id"),
            refers("project_id", "projects", "project_id"),
            refers("decision_id", "decisions", "decision_id"),
        ],
    },
    Table {
        name: "collective_contracts",
        zh: "集体资产资源合同",
        columns: &[
            req("contract_id", &["合同编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("kind", &["类型"], Enum(CONTRACT_KINDS)),
            req("counterparty_id", &["对方证件号"], PartyId),
            req("counterparty_name", &["对方名称", "承租方"], Text),
            opt("area_mu", &["面积"], Decimal),
            req("annual_rent", &["年租金"], Money),
            req("start_date", &["开始日期"], Date),
            req("end_date", &["结束日期"], Date),
            req("signed_on", &["签订日期"], Date),
            opt("decision_id", &["决策编号"], Code),
            opt("publicity_start", &["公示开始"], Date),
            opt("publicity_end", &["公示结束"], Date),
        ],
        key: &["contract_id"],
        loading: Loading::Replace,
        references: &[
            refers("village_code", "divisions", "code"),
            refers("decision_id", "decisions", "decision_id"),
        ],
    },
    Table {
        name: "decisions",
        zh: "四议两公开决策",
        columns: &[
            req("decision_id", &["决策编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("subject", &["事项"], Text),
            opt("amount", &["金额"], Money),
            opt("proposed_on", &["党支部提议日期"], Date),
            opt("committees_on", &["两委商议日期"], Date),
            opt("party_meeting_on", &["党员大会审议日期"], Date),
            opt("party_members_total", &["党员总数"], Count),
            opt("party_members_present", &["到会党员数"], Count),
            opt("party_members_approve", &["赞成党员数"], Count),
            req("villager_meeting_on", &["村民会议决议日期"], Date),
            dflt(
                "meeting_kind",
                &["会议类型"],
                Enum(MEETING_KINDS),
                "villagers",
            ),
            req("voters_total", &["应到人数"], Count),
            req("voters_present", &["实到人数"], Count),
            req("voters_approve", &["赞成人数"], Count),
            // A villagers' meeting is also quorate with two thirds of the households
            // represented (村民委员会组织法 art. 22); where these are absent, the person counts
            // above decide.
            opt("households_total", &["应到户数"], Count),
            opt("households_present", &["到会户数"], Count),
            opt("resolution_published_on", &["决议公开日期"], Date),
            opt("result_published_on", &["结果公开日期"], Date),
        ],
        key: &["decision_id"],
        loading: Loading::Replace,
        references: &[refers("village_code", "divisions", "code")],
    },
    Table {
        name: "projects",
        zh: "村级工程项目",
        columns: &[
            req("project_id", &["项目编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("name", &["项目名称", "名称"], Text),
            req("budget", &["预算"], Money),
            req("method", &["采购方式"], Enum(PROCUREMENT_METHODS)),
            opt("notice_on", &["公告日期"], Date),
            opt("bid_deadline", &["投标截止日期"], Date),
            req("awarded_on", &["中标日期"], Date),
            req("winner_id", &["中标人证件号"], PartyId),
            req("winner_name", &["中标人"], Text),
            req("award_amount", &["中标金额"], Money),
            opt("final_amount", &["决算金额"], Money),
            opt("decision_id", &["决策编号"], Code),
        ],
        key: &["project_id"],
        loading: Loading::Replace,
        references: &[
            refers("village_code", "divisions", "code"),
            refers("decision_id", "decisions", "decision_id"),
        ],
    },
    Table {
        name: "bids",
        zh: "投标记录",
        columns: &[
            req("project_id", &["项目编号"], Code),
            req("bidder_id", &["投标人证件号"], PartyId),
            req("bidder_name", &["投标人"], Text),
            req("amount", &["投标金额", "报价"], Money),
            opt("submitted_on", &["投标日期"], Date),
            dflt("status", &["状态"], Enum(BID_STATUS), "valid"),
            opt("phone", &["电话", "联系电话"], Phone),
            opt("address", &["地址"], Text),
        ],
        key: &["project_id", "bidder_id"],
        loading: Loading::Replace,
        references: &[refers("project_id", "projects", "project_id")],
    },
    Table {
        name: "disclosures",
        zh: "村务公开",
        columns: &[
            req("disclosure_id", &["公开编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("category", &["类别"], Enum(DISCLOSURE_CATEGORIES)),
            req("period", &["期间"], Period),
            req("published_on", &["公开日期"], Date),
            req("title", &["标题"], Text),
            opt("content", &["内容"], Text),
        ],
        key: &["disclosure_id"],
        loading: Loading::Append,
        references: &[refers("village_code", "divisions", "code")],
    },
    Table {
        name: "assets",
        zh: "集体资产台账",
        columns: &[
            req("asset_id", &["资产编号", "卡片编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("name", &["资产名称", "名称"], Text),
            req("category", &["资产类别", "类别"], Enum(ASSET_CATEGORIES)),
            opt("location", &["坐落", "位置"], Text),
            req("value", &["原值", "账面价值"], Money),
            opt("acquired_on", &["取得日期"], Date),
            dflt("status", &["状态"], Enum(ASSET_STATUS), "in_use"),
            opt("area_mu", &["面积"], Decimal),
            opt("contract_id", &["合同编号"], Code),
            opt("disposed_on", &["处置日期"], Date),
        ],
        key: &["asset_id"],
        loading: Loading::Replace,
        references: &[
            refers("village_code", "divisions", "code"),
            refers("contract_id", "collective_contracts", "contract_id"),
        ],
    },
    Table {
        name: "debts",
        zh: "债权债务",
        columns: &[
            req("debt_id", &["债务编号", "编号"], Code),
            req("village_code", &["村代码"], DivisionCode),
            req("direction", &["方向", "债权债务"], Enum(DEBT_DIRECTIONS)),
            req("counterparty_name", &["对方名称", "债权人", "债务人"], Text),
            opt("counterparty_id", &["对方证件号"], PartyId),
            req("amount", &["金额"], Money),
            req("incurred_on", &["发生日期"], Date),
            opt("due_on", &["到期日期"], Date),
            opt("settled_on", &["结清日期"], Date),
            opt("decision_id", &["决策编号"], Code),
            opt("purpose", &["用途", "摘要"], Text),
        ],
        key: &["debt_id"],
        loading: Loading::Replace,
        references: &[
            refers("village_code", "divisions", "code"),
            refers("decision_id", "decisions", "decision_id"),
        ],
    },
    Table {
        name: "cash_balances",
        zh: "资金余额",
        columns: &[
            req("village_code", &["村代码"], DivisionCode),
            req("date", &["日期"], Date),
            req("cash_on_hand", &["库存现金", "现金余额"], Money),
            opt("bank_balance", &["银行存款", "银行存款余额"], Money),
        ],
        key: &["village_code", "date"],
        loading: Loading::Append,
        references: &[refers("village_code", "divisions", "code")],
    },
];

// ---------------------------------------------------------------------------------------------
// Parsing cells

/// A parsed cell, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
}

/// A cell that parsed, possibly with a warning (kept as recorded, flagged for the rules) and a
/// notice (the file's spelling was normalised; the report keeps the original).
pub struct Parsed {
    pub cell: Cell,
    pub warning: Option<Invalid>,
    pub notice: Option<Invalid>,
}

impl Parsed {
    fn ok(cell: Cell) -> Parsed {
        Parsed {
            cell,
            warning: None,
            notice: None,
        }
    }
}

/// Parses one non-empty cell of the given kind, after cleaning it the way `clean` describes.
pub fn parse_cell(kind: Kind, raw: &str) -> Result<Parsed, Invalid> {
    let cleaned = match kind {
        Kind::Text => {
            return Ok(Parsed::ok(Cell::Text(clean::trim(raw).to_string())));
        }
        Kind::PersonName => clean::person_name(raw),
        Kind::AccountNumber | Kind::Phone => clean::account_number(raw),
        Kind::Code
        | Kind::IdNumber
        | Kind::IdNumberAsRecorded
        | Kind::CreditCode
        | Kind::PartyId
        | Kind::IdNumberList
        | Kind::DivisionCode => clean::identifier(raw),
        Kind::Money => clean::number(raw, true),
        Kind::Count | Kind::Decimal => clean::number(raw, false),
        Kind::Date | Kind::Period | Kind::Bool | Kind::Enum(_) => clean::value(raw),
    };
    let s: &str = &cleaned.text;
    if matches!(
        kind,
        Kind::IdNumber
            | Kind::IdNumberAsRecorded
            | Kind::PartyId
            | Kind::IdNumberList
            | Kind::AccountNumber
            | Kind::CreditCode
            | Kind::DivisionCode
    ) && clean::is_scientific_notation(s)
    {
        return Err(clean::scientific_notation(clean::trim(raw)));
    }
    let mut parsed = parse_clean(kind, s)?;
    if parsed.notice.is_none() && !cleaned.changes.is_empty() {
        let stored = match &parsed.cell {
            Cell::Text(t) => t.clone(),
            _ => s.to_string(),
        };
        parsed.notice = Some(clean::notice(cleaned.changes, clean::trim(raw), &stored));
    }
    Ok(parsed)
}

/// An ID number as stored: an old 15-digit number becomes its 18-digit form (with a notice that
/// keeps the original), so that one person is one number in every register.
fn id_text(s: &str) -> (std::borrow::Cow<'_, str>, Option<Invalid>) {
    match crate::id_number::upgrade_15(s) {
        Some(long) => {
            let notice = Invalid::new(
                "id_number_15_upgraded",
                format!("15位旧身份证号“{s}”已按GB 11643升为18位“{long}”"),
                format!("the old 15-digit ID number \"{s}\" was converted to its 18-digit form \"{long}\" (GB 11643)"),
            );
            (std::borrow::Cow::Owned(long), Some(notice))
        }
        None => (std::borrow::Cow::Borrowed(s), None),
    }
}

fn parse_clean(kind: Kind, s: &str) -> Result<Parsed, Invalid> {
    Ok(match kind {
        Kind::Text | Kind::Code | Kind::PersonName | Kind::Phone => {
            Parsed::ok(Cell::Text(s.to_string()))
        }
        Kind::AccountNumber => {
            if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
                return Err(Invalid::new(
                    "account_number_format",
                    format!("账号“{s}”含有非数字字符“{c}”"),
                    format!("account number \"{s}\" contains the character \"{c}\", which is not a digit"),
                ));
            }
            Parsed::ok(Cell::Text(s.to_ascii_uppercase()))
        }
        Kind::IdNumber => {
            let (s, notice) = id_text(s);
            Parsed {
                cell: Cell::Text(crate::IdNumber::parse(&s)?.to_string()),
                warning: None,
                notice,
            }
        }
        Kind::IdNumberAsRecorded => {
            let (s, notice) = id_text(s);
            let shaped = crate::id_number::normalise_shape(&s)?;
            let warning = crate::IdNumber::parse(&shaped).err();
            Parsed {
                cell: Cell::Text(shaped),
                warning,
                notice,
            }
        }
        Kind::CreditCode => Parsed::ok(Cell::Text(crate::CreditCode::parse(s)?.to_string())),
        Kind::PartyId => {
            let (s, notice) = id_text(s);
            Parsed {
                cell: Cell::Text(parse_party_id(&s)?),
                warning: None,
                notice,
            }
        }
        Kind::IdNumberList => {
            let mut ids = Vec::new();
            let mut notice = None;
            for part in s
                .split([';', '；', ',', '，', '、'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let (part, n) = id_text(part);
                notice = notice.or(n);
                ids.push(crate::IdNumber::parse(&part)?.to_string());
            }
            Parsed {
                cell: if ids.is_empty() {
                    Cell::Null
                } else {
                    Cell::Text(ids.join(";"))
                },
                warning: None,
                notice,
            }
        }
        Kind::DivisionCode => Parsed::ok(Cell::Text(crate::DivisionCode::parse(s)?.to_string())),
        Kind::Date => Parsed::ok(Cell::Text(dates::iso(dates::parse_date(s)?))),
        Kind::Period => Parsed::ok(Cell::Text(crate::Period::parse(s)?.to_string())),
        Kind::Money => Parsed::ok(Cell::Int(crate::Money::parse_yuan(s, false)?.fen())),
        Kind::Count => Parsed::ok(Cell::Int(parse_count(s)?)),
        Kind::Decimal => Parsed::ok(Cell::Real(parse_decimal(s)?)),
        Kind::Bool => Parsed::ok(Cell::Bool(dates::parse_bool(s)?)),
        Kind::Enum(choices) => Parsed::ok(Cell::Text(parse_choice(choices, s)?.to_string())),
    })
}

fn parse_party_id(s: &str) -> Result<String, Invalid> {
    // A resident ID is all digits (but perhaps X); a credit code almost always contains letters
    // or starts with a registration-authority digit pair; try both and explain if neither fits.
    if let Ok(id) = crate::IdNumber::parse(s) {
        return Ok(id.to_string());
    }
    if let Ok(code) = crate::CreditCode::parse(s) {
        return Ok(code.to_string());
    }
    Err(Invalid::new(
        "party_id_invalid",
        format!("“{s}”既不是有效的身份证号, 也不是有效的统一社会信用代码"),
        format!(
            "\"{s}\" is neither a valid resident ID number nor a valid unified social credit code"
        ),
    ))
}

fn parse_count(s: &str) -> Result<i64, Invalid> {
    s.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
        Invalid::new(
            "count_format",
            format!("“{s}”不是非负整数"),
            format!("\"{s}\" is not a non-negative whole number"),
        )
    })
}

fn parse_decimal(s: &str) -> Result<f64, Invalid> {
    let plain = s.replace(',', "");
    let ok = !plain.is_empty()
        && plain.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && plain.bytes().filter(|&c| c == b'.').count() <= 1;
    plain
        .parse::<f64>()
        .ok()
        .filter(|v| ok && v.is_finite())
        .ok_or_else(|| {
            Invalid::new(
                "decimal_format",
                format!("“{s}”不是非负数"),
                format!("\"{s}\" is not a non-negative number"),
            )
        })
}

fn parse_choice(choices: &[Choice], s: &str) -> Result<&'static str, Invalid> {
    choices
        .iter()
        .find(|c| {
            c.code.eq_ignore_ascii_case(s)
                || c.spellings.iter().any(|sp| sp.eq_ignore_ascii_case(s))
        })
        .map(|c| c.code)
        .ok_or_else(|| {
            let allowed: Vec<String> = choices
                .iter()
                .map(|c| match c.spellings.first() {
                    Some(zh) => format!("{}/{}", c.code, zh),
                    None => c.code.to_string(),
                })
                .collect();
            Invalid::new(
                "enum_unknown",
                format!("“{s}”不是允许的取值: {}", allowed.join(", ")),
                format!("\"{s}\" is not one of: {}", allowed.join(", ")),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_table_with_consistent_metadata() {
        // Contract v1 says "20 tables" but lists 19; all 19 are here (see docs/data-contract.md),
        // and the three the village books lacked (issue 14: assets, debts, cash balances).
        assert_eq!(TABLES.len(), 22);
        for t in TABLES {
            for k in t.key {
                assert!(t.column(k).is_some(), "{}: key {k} is no column", t.name);
            }
            for r in t.references {
                assert!(t.column(r.column).is_some(), "{}: {}", t.name, r.column);
                let target = table(r.target_table).expect("target table");
                assert!(target.column(r.target_column).is_some());
            }
            for c in t.columns {
                assert!(
                    !c.zh.is_empty(),
                    "{}.{} has no Chinese name",
                    t.name,
                    c.name
                );
                if let Some(d) = c.default {
                    assert!(
                        parse_cell(c.kind, d).is_ok(),
                        "{}.{} default",
                        t.name,
                        c.name
                    );
                }
            }
        }
    }

    #[test]
    fn headers_resolve_in_both_languages() {
        let persons = table("persons").unwrap();
        assert_eq!(persons.resolve_header("身份证号"), Some(0));
        assert_eq!(persons.resolve_header("ID_Number"), Some(0));
        assert_eq!(persons.resolve_header("village_code*"), Some(4));
        assert_eq!(persons.resolve_header("vilage_code"), None);
    }

    #[test]
    fn as_recorded_ids_warn_instead_of_failing() {
        let p = parse_cell(Kind::IdNumberAsRecorded, "110105194912310021").unwrap();
        assert!(p.warning.is_some());
        assert!(parse_cell(Kind::IdNumber, "110105194912310021").is_err());
        assert!(parse_cell(Kind::IdNumberAsRecorded, "11010519491231002").is_err());
    }
}
