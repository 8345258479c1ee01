//! Which responder group keys the people of each group may use.
//!
//! A person belongs to one group (given with their invite). With one responder key and no
//! mapping, every group uses it. With several keys the service refuses to start without a
//! mapping (`--group welfare=1a2b3c4d --group ems=5e6f7a8b,1a2b3c4d`): otherwise an ambulance
//! crew could open the cards a welfare group's key protects, and the reverse.

use std::collections::BTreeMap;

use helpcard_core::keys::KeyId;

/// Groups and the key ids each may use; `None` when every group may use the one key held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups(Option<BTreeMap<String, Vec<KeyId>>>);

impl Groups {
    /// Reads `GROUP=KID[,KID…]` mappings (key ids as 8 hex digits) against the keys the
    /// service holds: every id must be held, a group named once, and a service with several
    /// keys needs a mapping.
    pub fn parse(specs: &[String], held: &[KeyId]) -> Result<Groups, String> {
        if specs.is_empty() {
            if held.len() > 1 {
                return Err(format!(
                    "{} responder keys are held ({}) and no --group says which group may use which: give --group GROUP=KEY_ID for each group",
                    held.len(),
                    held.iter()
                        .map(KeyId::to_hex)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            return Ok(Groups(None));
        }
        let mut map = BTreeMap::new();
        for spec in specs {
            let (group, kids) = spec
                .split_once('=')
                .filter(|(g, k)| !g.trim().is_empty() && !k.trim().is_empty())
                .ok_or_else(|| format!("--group {spec}: expected GROUP=KEY_ID[,KEY_ID…]"))?;
            let kids = kids
                .split(',')
                .map(|k| {
                    let kid = KeyId::from_hex(k.trim()).ok_or_else(|| {
                        format!("--group {spec}: {k} is not a key id (8 hex digits)")
                    })?;
                    if held.contains(&kid) {
                        Ok(kid)
                    } else {
                        Err(format!(
                            "--group {spec}: this service holds no responder key {kid}"
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            if map.insert(group.trim().to_owned(), kids).is_some() {
                return Err(format!("--group {spec}: group {group} is mapped twice"));
            }
        }
        Ok(Groups(Some(map)))
    }

    /// Whether people of `group` may open cards encrypted to `kid`.
    pub fn allows(&self, group: &str, kid: KeyId) -> bool {
        match &self.0 {
            None => true,
            Some(map) => map.get(group).is_some_and(|kids| kids.contains(&kid)),
        }
    }

    /// One line for the start-up output.
    pub fn describe(&self) -> String {
        match &self.0 {
            None => "every group uses the one responder key".to_owned(),
            Some(map) => map
                .iter()
                .map(|(g, kids)| {
                    format!(
                        "{g}={}",
                        kids.iter().map(KeyId::to_hex).collect::<Vec<_>>().join(",")
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kid(b: u8) -> KeyId {
        KeyId([b; 4])
    }

    #[test]
    fn several_keys_need_a_mapping_and_the_mapping_is_enforced() {
        let held = [kid(1), kid(2)];
        assert!(
            Groups::parse(&[], &held)
                .unwrap_err()
                .contains("no --group")
        );
        let one = Groups::parse(&[], &held[..1]).unwrap();
        assert!(one.allows("anyone", kid(1)));
        let specs = [
            format!("welfare={}", kid(1).to_hex()),
            format!("ems={},{}", kid(2).to_hex(), kid(1).to_hex()),
        ];
        let g = Groups::parse(&specs, &held).unwrap();
        assert!(g.allows("welfare", kid(1)));
        assert!(!g.allows("welfare", kid(2)));
        assert!(g.allows("ems", kid(2)) && g.allows("ems", kid(1)));
        assert!(!g.allows("nobody", kid(1)));
        for bad in [
            "welfare".to_owned(),
            "=01010101".to_owned(),
            "welfare=zz".to_owned(),
            format!("welfare={}", kid(9).to_hex()),
        ] {
            assert!(
                Groups::parse(std::slice::from_ref(&bad), &held).is_err(),
                "{bad}"
            );
        }
        let twice = [specs[0].clone(), specs[0].clone()];
        assert!(Groups::parse(&twice, &held).unwrap_err().contains("twice"));
    }
}
