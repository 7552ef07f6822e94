use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Who someone is in the practice. Ownership ("clinician *of this client*") is checked
/// separately; a role alone never grants access to a client's record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Client,
    Clinician,
    Supervisor,
    Admin,
    Auditor,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role {0:?}: expected client, clinician, supervisor, admin or auditor")]
pub struct RoleError(pub String);

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Client,
        Role::Clinician,
        Role::Supervisor,
        Role::Admin,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Clinician => "clinician",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// DESIGN.md: staff accounts must use a second factor; clients may.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Client)
    }

    /// Roles that may ever see clinical content (subject to the ownership check).
    /// Admins and auditors never do (break-the-glass is a separate, logged path).
    pub fn may_see_clinical_content(self) -> bool {
        matches!(self, Role::Client | Role::Clinician | Role::Supervisor)
    }
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| RoleError(s.chars().take(40).collect()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_only_clients_may_skip_the_second_factor() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(r.is_staff(), r != Role::Client);
        }
        assert!("root".parse::<Role>().is_err());
        assert!(!Role::Admin.may_see_clinical_content());
        assert!(!Role::Auditor.may_see_clinical_content());
    }
}
