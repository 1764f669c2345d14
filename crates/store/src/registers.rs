//! Reads of the registers for the workspace: the divisions, a person within an official's
//! scope, their household and their posts.

use crate::accounts::Scope;
use crate::{on_pool, Store};
use anyhow::Result;

#[derive(Debug, Clone)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub id_number: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub village_code: String,
    pub household_id: String,
    pub relation_to_head: String,
}

type PersonRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

const PERSON_COLUMNS: &str =
    "id_number, name, gender, birth_date, village_code, household_id, relation_to_head";

impl From<PersonRow> for PersonRecord {
    fn from(r: PersonRow) -> PersonRecord {
        PersonRecord {
            id_number: r.0,
            name: r.1,
            gender: r.2,
            birth_date: r.3,
            village_code: r.4,
            household_id: r.5,
            relation_to_head: r.6,
        }
    }
}

impl Store {
    /// Divisions of the latest import, in code order.
    pub async fn divisions(&self) -> Result<Vec<Division>> {
        let sql = "SELECT code, name, level, parent_code FROM divisions ORDER BY code";
        type Row = (String, String, String, Option<String>);
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|r| Division {
                code: r.0,
                name: r.1,
                level: r.2,
                parent_code: r.3,
            })
            .collect())
    }

    /// The members of a household (as registered), in `scope`.
    pub async fn household_members(
        &self,
        scope: &Scope,
        household_id: &str,
    ) -> Result<Vec<PersonRecord>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM persons WHERE household_id = $1 \
             ORDER BY relation_to_head <> 'head', birth_date, id_number"
        );
        let rows: Vec<PersonRow> =
            on_pool!(self, pool => sqlx::query_as(&sql).bind(household_id).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(PersonRecord::from)
            .filter(|p| scope.covers(Some(&p.village_code), None))
            .collect())
    }

    /// The posts a person holds or held (officials register): "org position (start – end)".
    pub async fn posts_of(&self, id_number: &str) -> Result<Vec<String>> {
        let sql = "SELECT org_name, position, start_date, end_date FROM officials WHERE id_number = $1 ORDER BY start_date";
        type Row = (String, String, String, Option<String>);
        let rows: Vec<Row> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(id_number).fetch_all(pool).await)?;
        Ok(rows
            .into_iter()
            .map(|(org, position, start, end)| {
                format!("{org} {position} ({start} – {})", end.unwrap_or_default())
            })
            .collect())
    }

    /// Living villagers of `village` with no tie to any official: no post of their own, no
    /// official in their household, no declared relation either way (the people who may sit on
    /// the village's supervision committee, as far as the registers tell), by ID number.
    pub async fn villagers_without_ties(&self, village: &str, limit: i64) -> Result<Vec<String>> {
        let sql = "SELECT p.id_number FROM persons p WHERE p.village_code = $1 \
             AND NOT EXISTS (SELECT 1 FROM officials o JOIN persons h ON h.id_number = o.id_number \
                             WHERE h.household_id = p.household_id) \
             AND NOT EXISTS (SELECT 1 FROM officials o WHERE o.id_number = p.id_number) \
             AND NOT EXISTS (SELECT 1 FROM declared_relations r \
                             WHERE r.relative_id_number = p.id_number OR r.official_id_number = p.id_number) \
             AND NOT EXISTS (SELECT 1 FROM deaths d WHERE d.id_number = p.id_number) \
             ORDER BY p.id_number LIMIT $2";
        Ok(
            on_pool!(self, pool => sqlx::query_scalar(sql).bind(village).bind(limit).fetch_all(pool).await)?,
        )
    }

    /// A person's household record, if the person is in `scope`.
    pub async fn person_in_scope(
        &self,
        scope: &Scope,
        id_number: &str,
    ) -> Result<Option<PersonRecord>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id_number = $1");
        let row: Option<PersonRow> = on_pool!(self, pool => sqlx::query_as(&sql).bind(id_number).fetch_optional(pool).await)?;
        Ok(row
            .map(PersonRecord::from)
            .filter(|p| scope.covers(Some(&p.village_code), None)))
    }
}
