//! The two languages of every page. Each string is a field of `Texts`, so a string that exists
//! in one language and not the other does not compile.

use axum::http::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language asked for by `?lang=` (the visible switch), else the `lang` cookie the
    /// switch set, else Chinese.
    pub fn choose(query: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(l) = query.and_then(Lang::parse) {
            return l;
        }
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|kv| kv.trim().strip_prefix("lang="))
            .find_map(Lang::parse)
            .unwrap_or(Lang::Zh)
    }
}

/// Every user-facing string of the portal.
pub struct Texts {
    pub site_name: &'static str,
    pub switch_to: &'static str,
    pub nav_home: &'static str,
    pub nav_money: &'static str,
    pub nav_village: &'static str,
    pub nav_powers: &'static str,
    pub nav_report: &'static str,
    pub nav_follow: &'static str,
    pub home_intro: &'static str,
    pub home_money: &'static str,
    pub home_village: &'static str,
    pub home_powers: &'static str,
    pub home_report: &'static str,
    pub money_title: &'static str,
    pub money_intro: &'static str,
    pub id_number: &'static str,
    pub name: &'static str,
    pub look_up: &'static str,
    pub money_not_found: &'static str,
    pub money_bad_id: &'static str,
    pub money_none: &'static str,
    pub too_many: &'static str,
    pub report_too_many: &'static str,
    pub report_files_busy: &'static str,
    pub program: &'static str,
    pub period: &'static str,
    pub approved: &'static str,
    pub paid: &'static str,
    pub paid_on: &'static str,
    pub account: &'static str,
    pub gap: &'static str,
    pub basis: &'static str,
    pub not_on_roster: &'static str,
    pub something_wrong: &'static str,
    pub gap_note: &'static str,
    pub totals: &'static str,
    pub yuan: &'static str,
    pub report_title: &'static str,
    pub report_intro: &'static str,
    pub report_village: &'static str,
    pub report_category: &'static str,
    pub report_subject: &'static str,
    pub report_content: &'static str,
    pub report_payment: &'static str,
    pub report_real_name: &'static str,
    pub report_your_name: &'static str,
    pub report_contact: &'static str,
    pub report_submit: &'static str,
    pub report_files: &'static str,
    pub report_files_too_big: &'static str,
    pub report_content_missing: &'static str,
    pub report_too_long: &'static str,
    pub report_name_missing: &'static str,
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    pub receipt_warning: &'static str,
    pub follow_title: &'static str,
    pub follow_intro: &'static str,
    pub receipt_code: &'static str,
    pub follow_submit: &'static str,
    pub follow_not_found: &'static str,
    pub filed_at: &'static str,
    pub status: &'static str,
    pub replies: &'static str,
    pub no_replies: &'static str,
    pub receipt_upward: &'static str,
    pub receipt_not_stored: &'static str,
    /// "{n}" is replaced by the rank of this report on its matter (2, 3, …).
    pub dates_title: &'static str,
    pub received_on: &'static str,
    pub transfer_due: &'static str,
    pub acceptance_notice_due: &'static str,
    pub result_notice_due: &'static str,
    pub handle_due: &'static str,
    pub upward_due: &'static str,
    pub accepted_on: &'static str,
    pub closed_on: &'static str,
    pub review_title: &'static str,
    /// "{date}" is replaced by the last day to ask.
    pub review_until: &'static str,
    pub second_review_until: &'static str,
    pub review_reason: &'static str,
    pub review_submit: &'static str,
    pub review_received: &'static str,
    pub review_decision_due: &'static str,
    pub review_final: &'static str,
    pub review_refused: &'static str,
    pub categories: &'static [(&'static str, &'static str)],
    pub statuses: &'static [(&'static str, &'static str)],
    pub not_found: &'static str,
    pub server_error: &'static str,
    pub footer: &'static str,
}

impl Texts {
    /// The label of a code from one of the code lists (`categories`, `statuses`).
    pub fn label<'a>(list: &'a [(&'a str, &'a str)], code: &'a str) -> &'a str {
        list.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| *l)
            .unwrap_or(code)
    }
}

/// Report categories (the matters the essay names); the codes are stored.
const CATEGORY_CODES: [&str; 7] = [
    "subsidy",
    "village_finance",
    "project",
    "land_resource",
    "relatives",
    "attitude",
    "other",
];

pub static ZH: Texts = Texts {
    site_name: "清风 · 村务与惠民资金公开",
    switch_to: "English",
    nav_home: "首页",
    nav_money: "我的补贴",
    nav_village: "村务公开",
    nav_powers: "权力清单",
    nav_report: "我要举报",
    nav_follow: "查询举报进度",
    home_intro:
        "这里可以查到您应得和实得的每一笔补贴, 查看本村的账目、合同、项目和决策, 也可以匿名举报。",
    home_money: "输入身份证号和姓名, 查看每一笔补贴的应发、实发和到账日期。",
    home_village: "查看本村每月收支、合同、项目、决策和公开记录。",
    home_powers: "村干部每项权力怎么用、谁来办、多久办完、公开什么：照流程图监督。",
    home_report: "发现问题可以举报, 默认匿名, 凭查询码查看办理进度。",
    money_title: "我的补贴",
    money_intro: "请输入本人的身份证号和姓名。我们不会保存您的查询。",
    id_number: "身份证号",
    name: "姓名",
    look_up: "查询",
    money_not_found:
        "没有找到与该身份证号和姓名相符的记录。请核对后重试; 如确有补贴未查到, 可以举报。",
    money_bad_id: "身份证号格式不正确(应为18位, 最后一位可以是X), 请核对。",
    money_none: "没有您的补贴名册或发放记录。",
    too_many: "查询过于频繁, 请稍后再试。",
    report_too_many: "提交过于频繁, 请一小时后再试; 也可拨打 12388 或来信来访反映。",
    report_files_busy: "此刻上传的附件过多, 请稍后再试, 或不带附件先提交、附件来信寄送。",
    program: "补贴项目",
    period: "期间",
    approved: "应发(元)",
    paid: "实发(元)",
    paid_on: "到账日期",
    account: "收款账户",
    gap: "差额(元)",
    basis: "政策依据",
    not_on_roster: "不在名册",
    something_wrong: "我觉得有问题",
    gap_note: "标红的行: 实发少于应发。",
    totals: "合计",
    yuan: "元",
    report_title: "我要举报",
    report_intro: "默认匿名: 不填姓名也可以举报。提交后会给您一个查询码, 凭它查看办理进度和答复。",
    report_village: "村(代码或名称)",
    report_category: "问题类别",
    report_subject: "被反映人(可不填)",
    report_content: "反映的问题(时间、地点、经过、金额)",
    report_payment: "相关发放记录编号",
    report_real_name: "我愿意实名举报",
    report_your_name: "您的姓名",
    report_contact: "联系方式",
    report_submit: "提交举报",
    report_files: "照片或材料(可不传; 最多3个, 每个不超过5MB; 加密保存)",
    report_files_too_big: "附件最多3个, 每个不超过5MB。",
    report_content_missing: "请填写反映的问题。",
    report_too_long: "内容过长, 请精简到 5000 字以内。",
    report_name_missing: "实名举报请填写姓名。",
    receipt_title: "举报已收到",
    receipt_intro: "这是您的查询码。请抄写或拍照保存:",
    receipt_warning: "查询码只显示这一次, 我们不保存它的原文, 丢失后无法找回。",
    follow_title: "查询举报进度",
    follow_intro: "输入提交举报时得到的查询码。",
    receipt_code: "查询码",
    follow_submit: "查询",
    follow_not_found: "查询码不正确, 请核对后重试。",
    filed_at: "提交时间",
    status: "办理状态",
    replies: "答复",
    no_replies: "暂无答复。",
    receipt_upward: "您反映的问题涉及县领导干部, 已按规定转送上一级纪委监委办理, 本县无法查看。",
    receipt_not_stored: "您反映的问题涉及县领导干部, 应由上一级纪委监委受理。本系统尚未接通上一级的接收渠道, 为保护您, 内容没有保存。请拨打 12388 或直接向市纪委监委举报。",
    dates_title: "办理时限",
    received_on: "收到日期",
    transfer_due: "转交或受理期限(15日内)",
    acceptance_notice_due: "实名举报受理告知期限(15个工作日内)",
    result_notice_due: "实名举报结果告知期限(办结后15个工作日内)",
    handle_due: "办结期限(受理后60日内)",
    upward_due: "转送上级期限(5个工作日内)",
    accepted_on: "受理日期",
    closed_on: "办结日期",
    review_title: "对答复不满意?",
    review_until: "可在 {date} 前申请复查。",
    second_review_until: "对复查结论不满意, 可在 {date} 前申请复核。",
    review_reason: "理由",
    review_submit: "提交申请",
    review_received: "已收到您的申请, 将在 {date} 前作出决定并在此答复。",
    review_decision_due: "复查/复核决定期限",
    review_final: "复核为最终结论, 同一事实不再受理。",
    review_refused: "现在不能申请: 已超过期限, 或已有申请在办理中。",
    categories: &[
        (CATEGORY_CODES[0], "惠民补贴(低保、特困、补贴等)"),
        (CATEGORY_CODES[1], "村级财务"),
        (CATEGORY_CODES[2], "村级工程项目"),
        (CATEGORY_CODES[3], "土地、山林等集体资源"),
        (CATEGORY_CODES[4], "优亲厚友"),
        (CATEGORY_CODES[5], "作风问题(吃拿卡要等)"),
        (CATEGORY_CODES[6], "其他"),
    ],
    statuses: &[
        ("received", "已收到"),
        ("routed_upward", "待转送上级"),
        ("sent_upward", "已转送上级"),
        ("accepted", "已受理"),
        ("transferred", "已转办"),
        ("handling", "办理中"),
        ("concluded", "已办结"),
        ("extended", "已延期"),
        ("review_requested", "已申请复查"),
        ("reviewed", "已复查"),
        ("second_review_requested", "已申请复核"),
        ("second_reviewed", "已复核"),
        ("not_accepted", "不予受理"),
    ],
    not_found: "页面不存在。",
    server_error: "系统出错了, 请稍后再试。",
    footer: "清风 — 基层小微权力监督。本网站不使用外部资源, 不记录访问者的 IP 地址。",
};

pub static EN: Texts = Texts {
    site_name: "Qingfeng · Village affairs and subsidies in the open",
    switch_to: "中文",
    nav_home: "Home",
    nav_money: "My money",
    nav_village: "My village",
    nav_powers: "Power list",
    nav_report: "Report a problem",
    nav_follow: "Follow a report",
    home_intro: "See every subsidy you are owed and were paid, your village's books, contracts, projects and decisions, and report problems, anonymously if you wish.",
    home_money: "Enter your ID number and name to see what was approved and paid, and when.",
    home_village: "See your village's monthly income and spending, contracts, projects, decisions and disclosures.",
    home_powers: "How each power of the village officials is used, who acts, in what time, what is published: check them against the flowchart.",
    home_report: "Report a problem, anonymously by default, and follow it with a receipt code.",
    money_title: "My money",
    money_intro: "Enter your own ID number and name. Your look-up is not stored.",
    id_number: "ID number",
    name: "Name",
    look_up: "Look up",
    money_not_found: "No records match this ID number and name. Please check them and try again; if you are owed money that does not show here, you can report it.",
    money_bad_id: "This is not a valid ID number (18 characters, the last may be X). Please check it.",
    money_none: "There is no roster entry or payment for you.",
    too_many: "Too many look-ups. Please wait a moment and try again.",
    report_too_many: "Too many reports from here. Please try again in an hour, or call 12388, write or visit.",
    report_files_busy: "Too many attachments are being sent right now. Please try later, or send the report without them and post them.",
    program: "Program",
    period: "Period",
    approved: "Approved (yuan)",
    paid: "Paid (yuan)",
    paid_on: "Paid on",
    account: "Account",
    gap: "Gap (yuan)",
    basis: "Policy basis",
    not_on_roster: "not on the roster",
    something_wrong: "Something is wrong",
    gap_note: "Rows in red: less was paid than approved.",
    totals: "Total",
    yuan: "yuan",
    report_title: "Report a problem",
    report_intro: "Anonymous by default: you need not give your name. You get a receipt code to follow the report and read the replies.",
    report_village: "Village (code or name)",
    report_category: "Kind of problem",
    report_subject: "Person concerned (optional)",
    report_content: "What happened (when, where, how, how much)",
    report_payment: "Payment concerned",
    report_real_name: "I want to report under my real name",
    report_your_name: "Your name",
    report_contact: "How to reach you",
    report_submit: "Submit the report",
    report_files: "Photos or documents (optional; up to 3, 5 MB each; stored encrypted)",
    report_files_too_big: "Up to 3 files of at most 5 MB each.",
    report_content_missing: "Please describe the problem.",
    report_too_long: "The text is too long; please keep it under 5,000 characters.",
    report_name_missing: "A real-name report needs your name.",
    receipt_title: "Your report was received",
    receipt_intro: "This is your receipt code. Write it down or take a photo of it:",
    receipt_warning: "The code is shown only this once. We do not keep it, so it cannot be recovered if lost.",
    follow_title: "Follow a report",
    follow_intro: "Enter the receipt code you got when you filed the report.",
    receipt_code: "Receipt code",
    follow_submit: "Show",
    follow_not_found: "This receipt code is not right. Please check it and try again.",
    filed_at: "Filed",
    status: "Status",
    replies: "Replies",
    no_replies: "No reply yet.",
    receipt_upward: "Your report concerns a county leader: by the rules it has been sent to the commission of the level above, and the county cannot read it.",
    receipt_not_stored: "Your report concerns a county leader and belongs to the commission of the level above. This system is not yet connected to it, so to protect you nothing was kept. Please call 12388 or report directly to the city commission.",
    dates_title: "Deadlines",
    received_on: "Received on",
    transfer_due: "To be passed on or accepted by (15 days)",
    acceptance_notice_due: "Real-name reporter told of acceptance by (15 working days)",
    result_notice_due: "Real-name reporter told of the result by (15 working days after closing)",
    handle_due: "To be concluded by (60 days from acceptance)",
    upward_due: "To be sent to the level above by (5 working days)",
    accepted_on: "Accepted on",
    closed_on: "Concluded on",
    review_title: "Not satisfied with the answer?",
    review_until: "You may ask for a review until {date}.",
    second_review_until: "Not satisfied with the review? You may ask for a second review until {date}.",
    review_reason: "Reason",
    review_submit: "Ask",
    review_received: "Your request was received; it will be decided and answered here by {date}.",
    review_decision_due: "Review decision due",
    review_final: "The second review is final: the same facts are not taken up again.",
    review_refused: "Not possible now: the time limit has passed, or a request is already being handled.",
    categories: &[
        (CATEGORY_CODES[0], "Subsidies (minimum living allowance, support for the destitute, other subsidies)"),
        (CATEGORY_CODES[1], "Village finances"),
        (CATEGORY_CODES[2], "Village construction projects"),
        (CATEGORY_CODES[3], "Collective land, forest and other resources"),
        (CATEGORY_CODES[4], "Favouring relatives and friends"),
        (CATEGORY_CODES[5], "Conduct (demanding gifts, meals, favours)"),
        (CATEGORY_CODES[6], "Other"),
    ],
    statuses: &[
        ("received", "Received"),
        ("routed_upward", "To be sent to the level above"),
        ("sent_upward", "Sent to the level above"),
        ("accepted", "Accepted"),
        ("transferred", "Transferred"),
        ("handling", "Being handled"),
        ("concluded", "Concluded"),
        ("extended", "Extended"),
        ("review_requested", "Review requested"),
        ("reviewed", "Reviewed"),
        ("second_review_requested", "Second review requested"),
        ("second_reviewed", "Second review decided"),
        ("not_accepted", "Not accepted"),
    ],
    not_found: "There is no such page.",
    server_error: "Something went wrong. Please try again later.",
    footer: "Qingfeng — supervising power at the grassroots. This site loads nothing from elsewhere and does not record visitors' IP addresses.",
};

/// Whether `code` is one of the report categories.
pub fn is_category(code: &str) -> bool {
    CATEGORY_CODES.contains(&code)
}

/// The policy basis shown with a program on "My money". Agencies code their programs as they
/// like, so the basis is recognised from the program's name (the national programs have
/// well-known names); other programs point to the county's published documents.
pub fn policy_basis(program_name: &str, lang: Lang) -> &'static str {
    const BASES: &[(&[&str], &str, &str)] = &[
        (
            &["低保", "最低生活保障"],
            "《社会救助暂行办法》第二章 最低生活保障",
            "Interim Measures on Social Assistance, ch. 2 (minimum living allowance)",
        ),
        (
            &["特困"],
            "《社会救助暂行办法》第三章 特困人员供养",
            "Interim Measures on Social Assistance, ch. 3 (support for the destitute)",
        ),
        (
            &["耕地地力"],
            "财政部、农业农村部耕地地力保护补贴政策",
            "Farmland fertility protection subsidy (Ministry of Finance, Ministry of Agriculture)",
        ),
        (
            &["残疾"],
            "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
            "State Council opinion on living and nursing subsidies for persons with disabilities",
        ),
        (
            &["养老金", "养老保险"],
            "《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
            "State Council opinion on the basic pension insurance of urban and rural residents",
        ),
        (
            &["高龄"],
            "本省高龄津贴制度(县民政部门公布)",
            "The province's old-age allowance (published by the county civil affairs bureau)",
        ),
    ];
    let (zh, en) = BASES
        .iter()
        .find(|(keys, _, _)| keys.iter().any(|k| program_name.contains(k)))
        .map(|(_, zh, en)| (*zh, *en))
        .unwrap_or((
            "见县有关部门公布的政策文件",
            "See the policy documents published by the county",
        ));
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}
