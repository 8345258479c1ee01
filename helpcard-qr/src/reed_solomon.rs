//! Reed–Solomon over GF(2⁸) with the QR polynomial x⁸+x⁴+x³+x²+1 and generator roots α⁰…α^(n−1)
//! (ISO/IEC 18004:2015 §7.5.2): the error-correction codewords a writer appends ([`encode`]), and
//! correcting a block as read ([`correct`]: Berlekamp–Massey, Chien search, Forney).

struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

const FIELD: Field = {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 255 {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= 0x11D;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i - 255];
        i += 1;
    }
    Field { exp, log }
};

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    FIELD.exp[usize::from(FIELD.log[usize::from(a)]) + usize::from(FIELD.log[usize::from(b)])]
}

fn div(a: u8, b: u8) -> u8 {
    if a == 0 {
        return 0;
    }
    FIELD.exp[usize::from(FIELD.log[usize::from(a)]) + 255 - usize::from(FIELD.log[usize::from(b)])]
}

/// α^i for any i ≥ 0.
fn alpha(i: usize) -> u8 {
    FIELD.exp[i % 255]
}

/// Evaluates a polynomial given lowest degree first.
fn eval(poly: &[u8], x: u8) -> u8 {
    poly.iter().rev().fold(0, |acc, &c| mul(acc, x) ^ c)
}

/// Syndromes S_j = r(α^j), j < `ecc`, of a block whose first byte is the highest degree.
fn syndromes(block: &[u8], ecc: usize) -> Vec<u8> {
    (0..ecc)
        .map(|j| {
            let x = alpha(j);
            block.iter().fold(0, |acc, &c| mul(acc, x) ^ c)
        })
        .collect()
}

/// The generator polynomial of `ecc` codewords, Π (x − αⁱ) for i < `ecc`, highest degree first.
pub(crate) fn generator(ecc: usize) -> Vec<u8> {
    let mut generator = vec![1u8];
    for i in 0..ecc {
        let mut next = vec![0u8; generator.len() + 1];
        for (j, &g) in generator.iter().enumerate() {
            next[j] ^= g;
            next[j + 1] ^= mul(g, alpha(i));
        }
        generator = next;
    }
    generator
}

/// Error-correction codewords of `data`: the remainder of data·x^ecc divided by `generator`
/// (of degree ecc).
pub(crate) fn encode(data: &[u8], generator: &[u8]) -> Vec<u8> {
    let ecc = generator.len() - 1;
    let mut rem = vec![0u8; ecc];
    for &d in data {
        let factor = d ^ rem[0];
        rem.rotate_left(1);
        rem[ecc - 1] = 0;
        if factor != 0 {
            let log = usize::from(FIELD.log[usize::from(factor)]);
            for (r, &g) in rem.iter_mut().zip(&generator[1..]) {
                if g != 0 {
                    *r ^= FIELD.exp[log + usize::from(FIELD.log[usize::from(g)])];
                }
            }
        }
    }
    rem
}

/// Corrects `block` (data then `ecc` error-correction codewords) in place; `None` when it has
/// more errors than the code can correct (or the correction does not check out).
pub(crate) fn correct(block: &mut [u8], ecc: usize) -> Option<usize> {
    let n = block.len();
    if ecc == 0 || ecc > n || n > 255 {
        return None;
    }
    let s = syndromes(block, ecc);
    if s.iter().all(|&x| x == 0) {
        return Some(0);
    }
    // Berlekamp–Massey: the error locator Λ, lowest degree first.
    let (mut c, mut b) = (vec![1u8], vec![1u8]);
    let (mut l, mut m, mut last) = (0usize, 1usize, 1u8);
    for i in 0..ecc {
        let mut d = s[i];
        for j in 1..=l.min(c.len() - 1) {
            d ^= mul(c[j], s[i - j]);
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let factor = div(d, last);
        let previous = c.clone();
        if c.len() < b.len() + m {
            c.resize(b.len() + m, 0);
        }
        for (j, &bj) in b.iter().enumerate() {
            c[j + m] ^= mul(factor, bj);
        }
        if 2 * l <= i {
            l = i + 1 - l;
            b = previous;
            last = d;
            m = 1;
        } else {
            m += 1;
        }
    }
    while c.len() > 1 && c[c.len() - 1] == 0 {
        c.pop();
    }
    let errors = c.len() - 1;
    if errors != l || 2 * errors > ecc {
        return None;
    }
    // Chien search: degree p is in error when Λ(α^−p) = 0.
    let positions: Vec<usize> = (0..n)
        .filter(|&p| eval(&c, alpha(255 - p % 255)) == 0)
        .collect();
    if positions.len() != errors {
        return None;
    }
    // Forney: e = X Ω(X⁻¹) / Λ'(X⁻¹), with Ω = S Λ mod x^ecc.
    let mut omega = vec![0u8; ecc];
    for (i, &si) in s.iter().enumerate() {
        for (j, &cj) in c.iter().enumerate() {
            if i + j < ecc {
                omega[i + j] ^= mul(si, cj);
            }
        }
    }
    let derivative: Vec<u8> = c
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, &ci)| if i % 2 == 1 { ci } else { 0 })
        .collect();
    for &p in &positions {
        let x = alpha(p);
        let x_inv = alpha(255 - p % 255);
        let denominator = eval(&derivative, x_inv);
        if denominator == 0 {
            return None;
        }
        let e = mul(x, div(eval(&omega, x_inv), denominator));
        block[n - 1 - p] ^= e;
    }
    syndromes(block, ecc)
        .iter()
        .all(|&x| x == 0)
        .then_some(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_up_to_half_the_ecc_codewords_and_refuses_more() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize
        };
        for &(data_len, ecc) in &[(16usize, 10usize), (45, 28), (19, 7), (97, 30)] {
            let data: Vec<u8> = (0..data_len).map(|_| next() as u8).collect();
            let mut block = data.clone();
            block.extend(encode(&data, &generator(ecc)));
            assert_eq!(correct(&mut block.clone(), ecc), Some(0));
            for errors in 1..=ecc / 2 {
                let mut bad = block.clone();
                let mut hit = std::collections::HashSet::new();
                while hit.len() < errors {
                    let p = next() % bad.len();
                    if hit.insert(p) {
                        bad[p] ^= (next() % 255 + 1) as u8;
                    }
                }
                assert_eq!(correct(&mut bad, ecc), Some(errors), "{errors} errors");
                assert_eq!(bad, block);
            }
            let mut bad = block.clone();
            for b in bad.iter_mut().take(ecc / 2 + 2) {
                *b ^= 0x5A;
            }
            // Too many errors: refused, or (rarely) decoded to some other codeword, never
            // reported as the original.
            if correct(&mut bad, ecc).is_some() {
                assert_ne!(bad, block);
            }
        }
    }
}
