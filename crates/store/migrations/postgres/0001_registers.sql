-- The registers of data contract v1, one table per contract table.
-- Every row remembers the import batch and the source line it came from (provenance).
-- Dates are ISO text (YYYY-MM-DD), periods YYYY-MM, money integer fen: the same on both backends.
-- Keys are indexed but not UNIQUE: duplicates are found by the importer and reported with their
-- lines, rather than aborting the load at the first one.

CREATE TABLE import_batches (
    batch_id BIGSERIAL PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    source TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    rows_added BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    rows_removed BIGINT NOT NULL
);

CREATE TABLE import_files (
    batch_id BIGINT NOT NULL REFERENCES import_batches (batch_id),
    table_name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    encoding TEXT NOT NULL,
    loading TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_added BIGINT NOT NULL,
    rows_skipped BIGINT NOT NULL,
    rows_removed BIGINT NOT NULL,
    PRIMARY KEY (batch_id, table_name)
);
CREATE INDEX import_files_by_table ON import_files (table_name, batch_id);

-- 行政区划
CREATE TABLE divisions (
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX divisions_key ON divisions (code);
CREATE INDEX divisions_batch ON divisions (batch_id);

-- 户籍人口
CREATE TABLE persons (
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    gender TEXT,
    birth_date TEXT,
    village_code TEXT NOT NULL,
    household_id TEXT NOT NULL,
    relation_to_head TEXT NOT NULL,
    phone TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX persons_key ON persons (id_number);
CREATE INDEX persons_batch ON persons (batch_id);

-- 死亡登记
CREATE TABLE deaths (
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    death_date TEXT NOT NULL,
    source TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX deaths_key ON deaths (id_number);
CREATE INDEX deaths_batch ON deaths (batch_id);

-- 干部及公职人员
CREATE TABLE officials (
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    division_code TEXT NOT NULL,
    org_name TEXT NOT NULL,
    position TEXT NOT NULL,
    category TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX officials_key ON officials (id_number, org_name, position, start_date);
CREATE INDEX officials_batch ON officials (batch_id);

-- 个人有关事项报告·亲属
CREATE TABLE declared_relations (
    official_id_number TEXT NOT NULL,
    relative_id_number TEXT NOT NULL,
    relative_name TEXT NOT NULL,
    relation TEXT NOT NULL,
    declared_on TEXT NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX declared_relations_key ON declared_relations (official_id_number, relative_id_number);
CREATE INDEX declared_relations_batch ON declared_relations (batch_id);

-- 市场主体登记
CREATE TABLE companies (
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    legal_rep_id_number TEXT,
    legal_rep_name TEXT,
    address TEXT,
    phone TEXT,
    established_on TEXT NOT NULL,
    status TEXT NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX companies_key ON companies (credit_code);
CREATE INDEX companies_batch ON companies (batch_id);

-- 股东及主要人员
CREATE TABLE company_people (
    credit_code TEXT NOT NULL,
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    share_pct DOUBLE PRECISION,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX company_people_key ON company_people (credit_code, id_number, role);
CREATE INDEX company_people_batch ON company_people (batch_id);

-- 机动车登记
CREATE TABLE vehicles (
    owner_id_number TEXT NOT NULL,
    plate TEXT NOT NULL,
    vehicle_type TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    deregistered_on TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX vehicles_key ON vehicles (plate, registered_on);
CREATE INDEX vehicles_batch ON vehicles (batch_id);

-- 不动产登记
CREATE TABLE properties (
    owner_id_number TEXT NOT NULL,
    property_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    location TEXT,
    area_m2 DOUBLE PRECISION,
    registered_on TEXT NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX properties_key ON properties (property_id);
CREATE INDEX properties_batch ON properties (batch_id);

-- 补贴项目
CREATE TABLE programs (
    program_code TEXT NOT NULL,
    name TEXT NOT NULL,
    means_tested BOOLEAN NOT NULL,
    unit TEXT NOT NULL,
    rate BIGINT,
    frequency TEXT NOT NULL,
    publicity_days BIGINT NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX programs_key ON programs (program_code);
CREATE INDEX programs_batch ON programs (batch_id);

-- 审批名册(应发)
CREATE TABLE entitlements (
    entitlement_id TEXT NOT NULL,
    program_code TEXT NOT NULL,
    period TEXT NOT NULL,
    village_code TEXT NOT NULL,
    beneficiary_id_number TEXT NOT NULL,
    beneficiary_name TEXT NOT NULL,
    household_id TEXT,
    quantity DOUBLE PRECISION,
    amount BIGINT NOT NULL,
    approved_on TEXT NOT NULL,
    publicity_start TEXT,
    publicity_end TEXT,
    relative_filed BOOLEAN NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX entitlements_key ON entitlements (entitlement_id);
CREATE INDEX entitlements_batch ON entitlements (batch_id);

-- 一卡通发放(实发)
CREATE TABLE payments (
    payment_id TEXT NOT NULL,
    entitlement_id TEXT,
    program_code TEXT NOT NULL,
    period TEXT NOT NULL,
    beneficiary_id_number TEXT NOT NULL,
    beneficiary_name TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_holder_id_number TEXT NOT NULL,
    account_holder_name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    payer TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX payments_key ON payments (payment_id);
CREATE INDEX payments_batch ON payments (batch_id);

-- 土地承包
CREATE TABLE land_contracts (
    contract_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    household_id TEXT NOT NULL,
    contractor_id_number TEXT NOT NULL,
    area_mu DOUBLE PRECISION NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX land_contracts_key ON land_contracts (contract_id);
CREATE INDEX land_contracts_batch ON land_contracts (batch_id);

-- 村集体记账凭证
CREATE TABLE vouchers (
    voucher_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    date TEXT NOT NULL,
    direction TEXT NOT NULL,
    category TEXT NOT NULL,
    amount BIGINT NOT NULL,
    method TEXT NOT NULL,
    counterparty_name TEXT,
    counterparty_id TEXT,
    contract_id TEXT,
    project_id TEXT,
    decision_id TEXT,
    description TEXT,
    approved_by TEXT,
    supervisor_signed BOOLEAN NOT NULL,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX vouchers_key ON vouchers (voucher_id);
CREATE INDEX vouchers_batch ON vouchers (batch_id);

-- 集体资产资源合同
CREATE TABLE collective_contracts (
    contract_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    counterparty_id TEXT NOT NULL,
    counterparty_name TEXT NOT NULL,
    area_mu DOUBLE PRECISION,
    annual_rent BIGINT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    decision_id TEXT,
    publicity_start TEXT,
    publicity_end TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX collective_contracts_key ON collective_contracts (contract_id);
CREATE INDEX collective_contracts_batch ON collective_contracts (batch_id);

-- 四议两公开决策
CREATE TABLE decisions (
    decision_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    subject TEXT NOT NULL,
    amount BIGINT,
    proposed_on TEXT,
    committees_on TEXT,
    party_meeting_on TEXT,
    party_members_total BIGINT,
    party_members_present BIGINT,
    party_members_approve BIGINT,
    villager_meeting_on TEXT NOT NULL,
    meeting_kind TEXT NOT NULL,
    voters_total BIGINT NOT NULL,
    voters_present BIGINT NOT NULL,
    voters_approve BIGINT NOT NULL,
    resolution_published_on TEXT,
    result_published_on TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX decisions_key ON decisions (decision_id);
CREATE INDEX decisions_batch ON decisions (batch_id);

-- 村级工程项目
CREATE TABLE projects (
    project_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    name TEXT NOT NULL,
    budget BIGINT NOT NULL,
    method TEXT NOT NULL,
    notice_on TEXT,
    bid_deadline TEXT,
    awarded_on TEXT NOT NULL,
    winner_id TEXT NOT NULL,
    winner_name TEXT NOT NULL,
    award_amount BIGINT NOT NULL,
    final_amount BIGINT,
    decision_id TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX projects_key ON projects (project_id);
CREATE INDEX projects_batch ON projects (batch_id);

-- 投标记录
CREATE TABLE bids (
    project_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL,
    bidder_name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    submitted_on TEXT,
    status TEXT NOT NULL,
    phone TEXT,
    address TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX bids_key ON bids (project_id, bidder_id);
CREATE INDEX bids_batch ON bids (batch_id);

-- 村务公开
CREATE TABLE disclosures (
    disclosure_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    category TEXT NOT NULL,
    period TEXT NOT NULL,
    published_on TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX disclosures_key ON disclosures (disclosure_id);
CREATE INDEX disclosures_batch ON disclosures (batch_id);
