#!/usr/bin/env python3
"""Writes common.txt: a list of common passwords for Alcove's strength check.

No breach corpus was used (none is available offline, and shipping one raises its own
questions). The list is built from the author's knowledge of the patterns that top every
published breach-frequency list: the best-known leaked passwords, keyboard walks, digit
runs, years, and common words with the digits and symbols people add to them. See
README.md beside this file. Deterministic: running it again gives the same file.

    python3 data/passwords/generate.py > data/passwords/common.txt
"""

AS_OF = "2026-11-23"

# The passwords that head published breach-frequency lists year after year, as the author
# remembers them (not copied from any one list).
TOP = """
123456 password 123456789 12345678 12345 qwerty 1234567 111111 1234567890 123123 abc123
1234 password1 iloveyou 1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess letmein
654321 monkey 27653 1qaz2wsx 123321 qwertyuiop superman asdfghjkl trustno1 football baseball
welcome admin login master hello freedom whatever qazwsx shadow michael jennifer jordan23
666666 121212 7777777 888888 696969 starwars passw0rd password123 charlie donald aa123456
loveme hottie flower ashley bailey mustang access batman solo ninja 1q2w3e azerty 987654321
zxcvbnm 1qaz2wsx3edc q1w2e3r4 q1w2e3r4t5 1q2w3e4r5t 123qwe qwe123 asdf1234 qwer1234
147258369 159753 753951 11111111 55555 1111 112233 123654 789456 456789 987654 123abc
abcd1234 abcdef abcdefg abcdefgh a1b2c3 a1b2c3d4 1a2b3c 1a2b3c4d password12 password1234
p@ssw0rd p@ssword pa$$word passw0rd1 welcome1 welcome123 letmein1 letmein123 admin123
administrator root toor changeme changeme123 default guest test test123 testing secret
secret123 iloveyou1 iloveyou2 iloveu lovely love123 loveyou mylove babygirl babygirl1
princess1 sunshine1 monkey1 dragon1 shadow1 master1 football1 baseball1 superman1 batman1
michael1 jessica daniel thomas robert andrew joshua hunter ranger buster soccer hockey
killer george harley summer winter autumn spring pepper ginger cookie cheese chocolate
butterfly purple orange yellow silver golden diamond computer internet samsung apple
iphone google facebook myspace linkedin twitter instagram youtube netflix pokemon naruto
minecraft fortnite 1qazxsw2 zaq1zaq1 zaq1xsw2 qazwsxedc qwertyui qwerty12 qwerty1
qwertyuiop123 asdfgh asdfghjk zxcvbn zxcvbnm1 1qaz2wsx3edc4rfv !qaz2wsx !qaz1qaz 1q2w3e4r5t6y
qweasd qweasdzxc qweqwe asdasd zxczxc 123qweasd 123qweasdzxc qwertyqwerty passwordpassword
123123123 12341234 123456123456 1234512345 0987654321 09876543 9876543210 1122334455
11223344 147258 147852369 258456 741852963 963852741 159357 1357913579 2468 24682468
13579 135790 000000000 0000 00000000 1234qwer qwer4321 4321 54321 7654321 87654321
"""

# Words people build passwords from: names, sports, animals, places, feelings, things.
WORDS = """
password passw0rd letmein welcome iloveyou admin login master secret dragon monkey shadow
sunshine princess football baseball basketball soccer hockey golf tennis superman batman
spiderman starwars pokemon minecraft michael jennifer jessica ashley amanda daniel
christopher matthew joshua andrew david james john robert william richard thomas charles
joseph anthony mark steven paul kevin brian george edward ronald timothy jason jeffrey
ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
frank gregory raymond alexander patrick jack dennis jerry tyler aaron henry douglas peter
adam nathan zachary walter kyle harold carl jeremy keith roger gerald ethan arthur
christian sean austin noah lawrence jesse joe bryan billy jordan albert dylan bruce willie
gabriel alan juan logan wayne ralph roy eugene randy vincent russell louis philip bobby
johnny bradley mary patricia linda barbara elizabeth susan margaret sarah karen nancy
lisa betty dorothy sandra donna carol ruth sharon michelle laura kimberly deborah
emily stephanie rebecca melissa brenda amy anna virginia kathleen pamela martha debra
amanda rachel catherine carolyn janet maria heather diane julie joyce victoria kelly
christina joan evelyn lauren judith olivia frances martha cheryl megan andrea hannah
jacqueline ann jean alice kathryn gloria teresa doris sara janice julia madison grace
judy theresa beverly denise marilyn amber danielle brittany diana abigail jane natalie
lori tiffany alexis kayla charlie buster bailey max molly lucky tigger rocky maggie
daisy sophie chloe bella lucy coco oreo ginger pepper shadow smokey snoopy cookie
peanut teddy angel baby babygirl sweetie honey sugar cupcake kitty kitten puppy
tiger lion eagle falcon hawk wolf bear panda dolphin shark turtle horse pony bunny
rabbit fish butterfly ladybug dragonfly unicorn phoenix spider monster killer hunter
ranger warrior soldier knight wizard ninja pirate cowboy viking rebel legend hero
summer winter autumn spring sunday monday friday january february march april june
july august september october november december red blue green yellow orange purple
black white silver golden pink violet rainbow flower rose lily daisy cherry apple
banana orange lemon mango peach strawberry chocolate vanilla coffee cheese pizza
burger cookie candy sugar honey cinnamon pepper computer internet laptop iphone
samsung google yahoo hotmail gmail outlook facebook twitter youtube netflix amazon
microsoft windows linux apple android nintendo playstation xbox gamer player
music guitar piano rock metal jazz disney mickey barbie hello kitty love lover
lovely loveme loveyou mylove forever always trust freedom liberty america usa texas
california florida chicago newyork boston london paris berlin tokyo canada mexico
jesus christ god angel heaven blessed faith hope grace church bible prayer
money dollar cash rich lucky winner success power magic dream happy smile funny
crazy cool sexy hottie beautiful pretty cute sweet friend friends family mother
father mommy daddy sister brother baby children school college student teacher
doctor nurse summer beach ocean river mountain forest island sunset sunrise moon
star stars galaxy planet rocket matrix secret private access changeme default
welcome hello goodbye whatever nothing something qwerty asdf zxcv abc abcd
alcove therapy therapist counseling counselor telehealth session health wellness
mentalhealth selfcare mindful calm peace relax anxiety healing
"""

SUFFIXES = [
    "", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "69",
    "007", "2023", "2024", "2025", "2026", "@123", "#1", "99",
]

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"]


def keyboard_walks():
    out = []
    for row in KEYBOARD_ROWS:
        for n in range(4, len(row) + 1):
            out.append(row[:n])
            out.append(row[:n][::-1])
    cols = ["1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik,", "9ol.", "0p;/"]
    for n in range(2, 6):
        out.append("".join(cols[:n]))
        out.append("".join(c[:3] for c in cols[:n]))
    out += ["qwertyuiopasdfghjkl", "qwertyuiopasdfghjklzxcvbnm", "asdfghjklqwertyuiop",
            "qazwsxedcrfv", "qazwsxedcrfvtgb", "zaq1xsw2cde3", "zaq1xsw2cde3vfr4",
            "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6", "1qaz!qaz", "1qaz@wsx", "1qaz2wsx!"]
    return out


def digit_patterns():
    out = []
    for d in "0123456789":
        for n in range(4, 13):
            out.append(d * n)
    seq = "01234567890123456789"
    for start in range(10):
        for n in range(4, 13):
            out.append(seq[start:start + n])
            out.append(seq[start:start + n][::-1])
    for y in range(1940, 2031):
        out.append(str(y))
    for a in ["12", "123", "1234", "12345"]:
        out.append(a * 2)
        out.append(a * 3)
    return out


def main():
    seen = set()
    lines = []

    def add(p):
        p = p.strip().lower()
        if p and p not in seen and " " not in p:
            seen.add(p)
            lines.append(p)

    for p in TOP.split():
        add(p)
    for p in keyboard_walks():
        add(p)
    for p in digit_patterns():
        add(p)
    words = []
    for w in WORDS.split():
        if w not in words:
            words.append(w)
    for suffix in SUFFIXES:
        for w in words:
            add(w + suffix)
    # Word doubled, capitalised-then-lowered is the same entry; word + year of birth.
    for w in words[:120]:
        add(w + w)
        for y in range(1970, 2011, 5):
            add(w + str(y))
    print("# Common and easily guessed passwords, one a line, lower case.")
    print("# source: generated by data/passwords/generate.py from the author's knowledge of")
    print("#   breach-frequency patterns; no breach corpus was used (see README.md)")
    print(f"# as_of: {AS_OF}")
    print(f"# entries: {len(lines)}")
    for p in lines:
        print(p)


if __name__ == "__main__":
    main()
