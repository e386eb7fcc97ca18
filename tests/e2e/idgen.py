# SPDX-License-Identifier: MIT
# Synthetic resident ID numbers for tests: python3 idgen.py AREA BIRTHDATE SEQ prints an
# 18-character ID with a correct GB 11643 check character. Independent of fangkong's own code.
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make(area, birth, seq):
    body = "%s%s%03d" % (area, birth, int(seq))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


if __name__ == "__main__":
    print(make(sys.argv[1], sys.argv[2], sys.argv[3]))
