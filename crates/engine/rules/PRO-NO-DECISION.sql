-- id: PRO-NO-DECISION
-- title.zh: 村级工程未经有效民主决策
-- title.en: Village project awarded without a valid prior democratic decision
-- severity: high
-- record: project
-- inputs: projects, decisions
-- basis: 《村民委员会组织法》第二十四条(村公益事业的兴办和筹资筹劳方案及建设承包方案, 经村民会议讨论决定方可办理)、第二十五条; 中共中央办公厅、国务院办公厅《关于加强村务监督委员会建设的指导意见》及各地"四议两公开"工作法
-- amount: the award amount of the project
-- param: decision_threshold = 50000  budget in yuan from which a project needs a villagers' decision
-- explain.zh: {village_name}"{project_name}"预算{budget|yuan}元, 达到{decision_threshold_fen|yuan}元须经"四议两公开", 但{defect_zh}; 该项目于{awarded_on}以{amount_at_risk_fen|yuan}元发包给{winner_name}
-- explain.en: Project "{project_name}" of {village_name} has a budget of {budget|yuan} yuan, at or above the {decision_threshold_fen|yuan} yuan that require a villagers' decision, but {defect_en}; it was awarded to {winner_name} on {awarded_on} for {amount_at_risk_fen|yuan} yuan
WITH decision_check AS (
    -- Validity by the one shared definition (the view decision_validity), as DEC-INVALID and
    -- the portal judge it.
    SELECT d.decision_id, d.villager_meeting_on, v.defect IS NULL AS is_valid
    FROM decisions d
    JOIN decision_validity v ON v.decision_id = d.decision_id
),
judged AS (
    SELECT
        p.*,
        dv.villager_meeting_on,
        CASE
            WHEN p.decision_id IS NULL THEN 'none'
            -- A decision id that names no decision in the register is as good as none.
            WHEN dv.decision_id IS NULL THEN 'unknown'
            WHEN NOT dv.is_valid THEN 'invalid'
            -- The decision is dated by its villagers' (representatives') meeting, which must come
            -- before the award day; a meeting on the award day itself is not "before".
            WHEN dv.villager_meeting_on >= p.awarded_on THEN 'after'
            ELSE 'ok' END AS defect
    FROM projects p
    LEFT JOIN decision_check dv ON dv.decision_id = p.decision_id
    WHERE p.budget >= {{decision_threshold}} * 100
)
SELECT
    j.project_id AS record_ids,
    j.winner_id AS subject_id,
    j.village_code AS village_code,
    j.award_amount AS amount_at_risk_fen,
    COALESCE(v.name, j.village_code) AS village_name,
    j.name AS project_name,
    j.budget,
    {{decision_threshold}} * 100 AS decision_threshold_fen,
    j.awarded_on,
    j.winner_name,
    j.award_amount,
    j.decision_id,
    j.villager_meeting_on,
    j.defect,
    CASE j.defect
        WHEN 'none' THEN '未记载任何决策'
        WHEN 'unknown' THEN '所记决策' || j.decision_id || '在决策登记中不存在'
        WHEN 'invalid' THEN '所记决策' || j.decision_id || '程序无效(见DEC-INVALID)'
        ELSE '所记决策' || j.decision_id || '的村民(代表)会议于' || CAST(j.villager_meeting_on AS VARCHAR) || '才召开, 不早于发包日' END AS defect_zh,
    CASE j.defect
        WHEN 'none' THEN 'no decision is recorded'
        WHEN 'unknown' THEN 'its decision ' || j.decision_id || ' is not in the decisions register'
        WHEN 'invalid' THEN 'its decision ' || j.decision_id || ' is not valid (see DEC-INVALID)'
        ELSE 'the meeting of its decision ' || j.decision_id || ' was held on ' || CAST(j.villager_meeting_on AS VARCHAR) || ', not before the award' END AS defect_en
FROM judged j
LEFT JOIN divisions v ON v.code = j.village_code
WHERE j.defect <> 'ok'
