use super::*;

/// The penalty module by module, as `qrcode` 0.14 computes it: the reference the bit lines
/// are checked against.
fn reference_penalty(m: &[u8], n: usize) -> u32 {
    let at = |line: usize, i: usize, horizontal: bool| {
        if horizontal {
            m[line * n + i]
        } else {
            m[i * n + line]
        }
    };
    let mut score = 0;
    for horizontal in [true, false] {
        for line in 0..n {
            let mut run = 1;
            for i in 1..=n {
                if i < n && at(line, i, horizontal) == at(line, i - 1, horizontal) {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                }
            }
            for j in 0..n - 6 {
                if (0..7).any(|k| at(line, j + k, horizontal) != [1, 0, 1, 1, 1, 0, 1][k]) {
                    continue;
                }
                let light = |from: isize, to: isize| {
                    (from..to)
                        .all(|k| k < 0 || k >= n as isize || at(line, k as usize, horizontal) == 0)
                };
                let j = j as isize;
                if light(j - 4, j) || light(j + 7, j + 11) {
                    score += 40;
                }
            }
        }
    }
    for r in 0..n - 1 {
        for c in 0..n - 1 {
            let v = m[r * n + c];
            if m[r * n + c + 1] == v && m[(r + 1) * n + c] == v && m[(r + 1) * n + c + 1] == v {
                score += 3;
            }
        }
    }
    let dark = m.iter().filter(|&&x| x == 1).count();
    score + (dark * 200 / m.len()).abs_diff(100) as u32
}

#[test]
fn the_bit_lines_score_every_mask_as_the_module_by_module_reference() {
    let mut seed = 3u64;
    for version in [1u8, 2, 6, 7, 14, 16, 27, 40] {
        let n = layout::side(version);
        let function = layout::function_modules(version);
        let mut base = vec![0u8; n * n];
        draw_function_patterns(&mut base, version);
        for (b, f) in base.iter_mut().zip(&function) {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if !f {
                *b = (seed >> 63) as u8;
            }
        }
        let masking = penalty::Masking::new(&base, &function, n);
        for level in [EcLevel::L, EcLevel::H] {
            for mask in 0..8 {
                let mut m = vec![0u8; n * n];
                apply_mask(&mut m, &base, &function, n, mask);
                draw_format(&mut m, n, level, mask);
                assert_eq!(
                    masking.score(mask, level),
                    reference_penalty(&m, n),
                    "version {version} mask {mask} {level:?}"
                );
            }
        }
    }
}
