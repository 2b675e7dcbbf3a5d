//! The filter table as `iptables -S` prints it: `-P` and `-N` lines for chains, `-A` lines
//! for rules, each in the command's own normal form.

pub(super) struct Ruleset {
    lines: Vec<String>,
}

impl Ruleset {
    pub fn parse(text: &str) -> Self {
        Self {
            lines: text.lines().map(str::to_string).collect(),
        }
    }

    pub fn has_chain(&self, chain: &str) -> bool {
        self.lines.iter().any(|line| {
            let mut words = line.split_whitespace();
            matches!(words.next(), Some("-N" | "-P")) && words.next() == Some(chain)
        })
    }

    /// The rules of `chain`, in order, without their `-A CHAIN ` head.
    pub fn rules<'a>(&'a self, chain: &str) -> impl Iterator<Item = &'a str> + 'a {
        let head = format!("-A {chain} ");
        self.lines
            .iter()
            .filter_map(move |line| line.strip_prefix(head.as_str()))
    }

    /// User-defined chains whose names start with `prefix`.
    pub fn chains_starting(&self, prefix: &str) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|line| line.strip_prefix("-N "))
            .filter(|chain| chain.starts_with(prefix))
            .map(str::to_string)
            .collect()
    }
}

/// The interface a rule matches with `-i`, if any.
pub(super) fn in_interface(rule: &str) -> Option<&str> {
    let mut words = rule.split_whitespace();
    while let Some(word) = words.next() {
        if word == "-i" {
            return words.next();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTED: &str = "-P INPUT ACCEPT\n-N SANDBOXD-EGRESS\n-N SBX-br-0123456789ab\n\
        -A INPUT -j SANDBOXD-INPUT\n\
        -A SANDBOXD-EGRESS -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN\n\
        -A SANDBOXD-EGRESS -i br-0123456789ab -j SBX-br-0123456789ab\n\
        -A SBX-br-0123456789ab -m comment --comment \"sbx:feed\"\n";

    #[test]
    fn chains_and_their_rules_are_read_from_the_listing() {
        let rules = Ruleset::parse(LISTED);
        assert!(rules.has_chain("INPUT") && rules.has_chain("SANDBOXD-EGRESS"));
        assert!(!rules.has_chain("SANDBOXD-INPUT"));
        let egress: Vec<&str> = rules.rules("SANDBOXD-EGRESS").collect();
        assert_eq!(egress.len(), 2);
        assert_eq!(in_interface(egress[1]), Some("br-0123456789ab"));
        assert_eq!(rules.chains_starting("SBX-"), vec!["SBX-br-0123456789ab"]);
    }
}
