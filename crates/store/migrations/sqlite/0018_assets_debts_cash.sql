-- Issue 14: the registers the seed asks for and the books lacked: the collective's asset cards,
-- its debts and borrowing, and its bank and cash balances. Tables of the data contract, like
-- those of 0001 (rows of a file import or of an entry in the workspace, each with its batch).

-- 集体资产台账
CREATE TABLE assets (
    asset_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    location TEXT,
    value BIGINT NOT NULL,
    acquired_on TEXT,
    status TEXT NOT NULL,
    area_mu REAL,
    contract_id TEXT,
    disposed_on TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX assets_key ON assets (asset_id);
CREATE INDEX assets_batch ON assets (batch_id);

-- 债权债务
CREATE TABLE debts (
    debt_id TEXT NOT NULL,
    village_code TEXT NOT NULL,
    direction TEXT NOT NULL,
    counterparty_name TEXT NOT NULL,
    counterparty_id TEXT,
    amount BIGINT NOT NULL,
    incurred_on TEXT NOT NULL,
    due_on TEXT,
    settled_on TEXT,
    decision_id TEXT,
    purpose TEXT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX debts_key ON debts (debt_id);
CREATE INDEX debts_batch ON debts (batch_id);

-- 资金余额(库存现金与银行存款日记账的日终余额)
CREATE TABLE cash_balances (
    village_code TEXT NOT NULL,
    date TEXT NOT NULL,
    cash_on_hand BIGINT NOT NULL,
    bank_balance BIGINT,
    batch_id BIGINT NOT NULL,
    source_line BIGINT NOT NULL
);
CREATE INDEX cash_balances_key ON cash_balances (village_code, date);
CREATE INDEX cash_balances_batch ON cash_balances (batch_id);
