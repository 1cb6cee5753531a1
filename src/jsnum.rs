//! Numbers printed the way JavaScript's `String(x)` prints them, for the error messages that
//! reach JS: `1e+300`, not Rust's 301-digit `1000…000`; `2.2250738585072014e-308`, not
//! `0.000…00022250738585072014`.
//!
//! The rule (ECMAScript Number::toString): take the shortest digits d₁…d_k that round-trip and
//! the exponent n with x = 0.d₁…d_k × 10ⁿ; then
//! * k ≤ n ≤ 21: the digits and n − k zeros (`1000000`);
//! * 0 < n ≤ 21: the digits with a point after n of them (`123.456`);
//! * −6 < n ≤ 0: `0.`, −n zeros, the digits (`0.000001`);
//! * otherwise d₁[.d₂…d_k]e±(n − 1) (`1e+21`, `1e-7`).
//!
//! NaN, `Infinity`, `-Infinity`; −0 prints as `0`.

/// `String(x)` in JavaScript.
pub fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    if x < 0.0 {
        return format!("-{}", js_number(-x));
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "1.2345e3" or "5e-324"
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let k = digits.len() as i64;
    let n = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let sign = if e >= 0 { '+' } else { '-' };
        if k == 1 {
            format!("{digits}e{sign}{}", e.abs())
        } else {
            format!("{}.{}e{sign}{}", &digits[..1], &digits[1..], e.abs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::js_number;

    #[test]
    fn matches_javascripts_string_of_a_number() {
        // each expected string is what `node -e 'console.log(String(x))'` printed (Node 2026)
        let table: &[(f64, &str)] = &[
            (1e300, "1e+300"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (0.0001, "0.0001"),
            (1e-7, "1e-7"),
            (1000000.0, "1000000"),
            (1e21, "1e+21"),
            (-0.0, "0"),
            (0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e-6, "0.000001"),
            (0.000001234, "0.000001234"),
            (123456789012345680000.0, "123456789012345680000"),
            (1.5e21, "1.5e+21"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-2.0 / 3.0, "-0.6666666666666666"),
            (100.0, "100"),
            (123.456, "123.456"),
            (1e-10, "1e-10"),
            (1e-300, "1e-300"),
            (1e150, "1e+150"),
            (-1e300, "-1e+300"),
            (9007199254740991.0, "9007199254740991"),
            (9007199254740992.0, "9007199254740992"),
            (1152921504606846976.0, "1152921504606847000"),
            (0.5, "0.5"),
            (-0.5, "-0.5"),
            (1e12, "1000000000000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e-5, "0.00001"),
            (1.25e-7, "1.25e-7"),
            (4294967296.0, "4294967296"),
            (-1e-7, "-1e-7"),
            (1e20, "100000000000000000000"),
            (-1e21, "-1e+21"),
            (12345678.9, "12345678.9"),
        ];
        for &(x, want) in table {
            assert_eq!(js_number(x), want, "String({x:e})");
        }
    }
}
