#!/usr/bin/python3
"""Writes the demo's synthetic English data: a UPOS-tagged sample in CoNLL-U (train and dev)
and plain chat sentences for the demo's token streams.

Every sentence comes from a small phrase-structure grammar of ordinary English written for
Stepwise; no sentence is taken from a treebank. Each grammar rule emits its words together
with their Universal POS tag, so a word that can be several parts of speech ("book", "that",
"to", "like", "run", "'s", "there", "home") gets the tag of the role the rule gives it.
Where UD English has a settled habit the tags follow it (English Web Treebank conventions):
copula and auxiliary "be"/"have"/"do" and modals are AUX, existential "there" is PRON with
"be" as VERB, possessive pronouns are PRON, "when" and other wh-adverbs are ADV, phrasal-verb
particles are ADP, "today"/"tomorrow"/"thanks" are NOUN, ordinals are ADJ.

Deterministic: the same seeds give byte-identical files.

    /usr/bin/python3 cli/tools/make_tagged_sample.py            # writes cli/src/main/resources/demo/
    /usr/bin/python3 cli/tools/make_tagged_sample.py --out DIR
"""

import argparse
import os
import random
import sys

UPOS = ("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X").split()

TRAIN_SEED = 20251130
CHAT_SEED = 20251201
SAMPLE_SENTENCES = 560
DEV_SENTENCES = 84  # 15 % held out
CHAT_SENTENCES = 60

R = random.Random(0)  # reseeded by main(); module-level so the grammar reads like a grammar
CHAT = [False]  # chat register: more pronouns, fewer adjectives, no titles


def pick(items):
    return R.choice(items)


def chance(p):
    return R.random() < p


def tok(form, upos, lemma=None):
    if lemma is None:
        lemma = form if upos == "PROPN" or form == "I" else form.lower()
    return (form, upos, lemma)


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

class Noun:
    def __init__(self, sg, pl, classes, mass=False):
        self.sg, self.pl, self.classes, self.mass = sg, pl, classes.split(), mass
        # a compound ("train station") is several NOUN tokens; the last one inflects
        self.lemma = sg.split()[-1]

    def tokens(self, plural):
        words = (self.pl if plural else self.sg).split()
        return [tok(w, "NOUN", self.lemma if i == len(words) - 1 else w) for i, w in enumerate(words)]


def _plural(sg):
    if sg.endswith(("s", "x", "ch", "sh", "z")):
        return sg + "es"
    if sg.endswith("y") and sg[-2] not in "aeiou":
        return sg[:-1] + "ies"
    return sg + "s"


NOUNS = []
_by_form = {}


def nouns(classes, words, mass=False):
    """Adds nouns to the vocabulary; a noun listed again only gains classes."""
    for w in words.split(","):
        w = w.strip()
        if not w:
            continue
        if "/" in w:
            sg, pl = w.split("/")
        else:
            head = w.split()[-1]
            sg, pl = w, w[: len(w) - len(head)] + _plural(head)
        if sg in _by_form:
            _by_form[sg].classes += [c for c in classes.split() if c not in _by_form[sg].classes]
            continue
        n = Noun(sg, None if mass else pl, classes, mass=mass)
        NOUNS.append(n)
        _by_form[sg] = n


nouns("PERSON", "friend, teacher, doctor, nurse, student, neighbor, boss, manager, kid, child/children,"
                "man/men, woman/women, customer, driver, player, coach, worker, guest, baby, colleague,"
                "lawyer, scientist, reporter, artist, chef, waiter, partner, roommate, engineer, pilot,"
                "officer, farmer, singer, dentist, teenager, visitor, tourist")
nouns("PERSON RELATIVE", "mother, father, sister, brother, wife/wives, husband, son, daughter, grandmother,"
                         "uncle, aunt, cousin, mom, dad, parent, grandfather")
nouns("NEWSACTOR", "government, company, council, committee, bank, union, university, court, airline,"
                   "ministry, city council, school board")
nouns("NEWSPERSON", "minister, president, mayor, spokesperson, official, researcher, analyst, voter,"
                    "resident, protester, fan, senator, judge, economist, director")
nouns("ANIMAL", "dog, cat, bird, horse, rabbit, puppy, kitten, cow")
# things you can pick up and carry
nouns("THING", "phone, key, bag, wallet, umbrella, laptop, camera, jacket, shirt, hat, cup, bottle, box,"
               "charger, pen, map, passport, gift, picture, ring, blanket, towel, backpack, glove, coat,"
               "suitcase, book, letter, newspaper, magazine, ticket, watch, notebook, card, dish/dishes")
# things that stay where they are
nouns("BIG", "car, bike, computer, printer, lamp, chair, table, bed, sofa, mirror, guitar, piano, clock,"
             "plant, TV/TVs, radio, heater, light, fridge")
# parts of a house: fixed, painted, opened, but not bought or carried
nouns("FIXTURE", "window, door, wall, fence, sink")
nouns("READ", "menu, article, novel, recipe, story, sign")
nouns("MSG", "email, message, text, note, invitation, package, file, document, list, form, photo, report")
nouns("FOOD", "pizza, sandwich, apple, banana, cake, cookie, salad, egg, burger, pie, orange, potato/potatoes,"
              "tomato/tomatoes, steak, muffin")
nouns("FOOD", "bread, rice, pasta, cheese, chicken, soup, chocolate, fruit, fish, meat", mass=True)
nouns("DRINK", "coffee, tea, water, milk, juice, beer, wine, soda, lemonade", mass=True)
nouns("MEAL", "breakfast, lunch, dinner", mass=True)
nouns("PLACE", "park, office, station, school, store, shop, kitchen, beach, library, hospital, airport,"
               "restaurant, cafe, museum, hotel, gym, market, garden, room, house, apartment, city,"
               "street, bridge, bakery, pharmacy, cinema, stadium, church, mall, village, island,"
               "bathroom, train station, bus stop, coffee shop, post office, city center, parking lot,"
               "coast, river, lake, mountain, border")
nouns("EVENT", "meeting, party, game, concert, class, trip, match, show, movie, wedding, interview,"
               "appointment, lesson, exam, festival, conference, tour, race, presentation, birthday party,"
               "play, visit, walk, run, swim, ride")
nouns("TRANSPORT", "bus, train, flight, taxi, plane, ferry")
nouns("ABSTRACT", "idea, problem, plan, question, answer, price, decision, mistake, reason, chance,"
                  "job, result, deal, budget, law, rule, tax, cost, risk, change, issue, project, call,"
                  "order, choice, reply, update, password, address, number, name, song, bill,"
                  "strike, policy, proposal, election, vote, storm, fire, accident, flood, seat")
nouns("ABSTRACT", "news, work, homework, money, time, help, advice, music, weather, traffic, rain, snow,"
                  "noise, information, luck, space, power, electricity, research, rent", mass=True)
nouns("TIME", "morning, afternoon, evening, night, week, weekend, day, month, year, hour, minute, moment")

# Which nouns a verb's object may be; a noun may be in several classes.
CLASS_MEMBERS = {
    "BOOKABLE": "table, room, flight, ticket, hotel, taxi, appointment, seat, trip, tour, class",
    "READABLE": "book, letter, newspaper, magazine, menu, article, novel, recipe, email, message, report, story, note, sign",
    "WRITABLE": "letter, email, message, note, report, story, article, novel, list, song, text",
    "WATCHABLE": "movie, game, show, match, news, race, concert, play",
    "FIXABLE": "car, bike, phone, computer, printer, laptop, lamp, clock, watch, door, window, chair, camera, sink, fridge, heater, TV, radio",
    "SWITCHABLE": "phone, computer, laptop, lamp, printer, TV, radio, heater, light, music",
    "OPENABLE": "door, window, box, bag, file, letter, package, email, gift, bottle, suitcase, store, shop, fridge",
    "CLOSABLE": "door, window, box, bag, file, laptop, store, shop, fridge, suitcase",
    "WASHABLE": "car, window, dish, cup, towel, shirt, bike, jacket, blanket",
    "CLEANABLE": "kitchen, room, house, car, table, bathroom, window, apartment, garden, office, fridge",
    "PAINTABLE": "kitchen, room, house, bathroom, door, wall, fence, bike, chair, table",
    "PLAYABLE": "game, guitar, piano, match, song, music",
    "PLANT": "plant, garden",
    "TICKET": "ticket, seat, job",
    "WINNABLE": "game, match, race, election, vote",
    "NEWSOBJ": "plan, budget, law, deal, report, decision, proposal, policy, project, rule, tax, strike, election",
    "PAYABLE": "bill, rent, tax, price",
    "TASK": "homework, work, job, report, project, presentation, exam, lesson",
    "SENDABLE": "email, message, text, note, invitation, package, file, document, list, photo, report, letter, gift, card",
    "PRINTABLE": "document, file, photo, report, list, form, ticket, letter, recipe",
    "SHARABLE": "photo, file, document, pizza, cake, idea, news, recipe, sandwich",
    "ANSWERABLE": "email, message, question, phone, letter, call, text",
    "CHECKABLE": "email, message, text, file, document, report, list, menu, weather, news, address, price",
    "DISCUSSABLE": "plan, idea, problem, question, price, decision, budget, project, trip, party, meeting, weekend, news, weather, game",
    "CALLABLE": "taxi, hotel, bank, office, restaurant",
    "PARKABLE": "car, bike",
    "RUNNABLE": "race, meeting, tour, class, show, project",
    "WALKABLE": "dog, puppy, horse",
    "BREWABLE": "coffee, tea, lemonade, juice",
    "OPENING": "store, shop, museum, library, bank, cafe, restaurant, gym, pharmacy, bakery, mall, market, post office, coffee shop, cinema",
}
for _cls, _words in CLASS_MEMBERS.items():
    for _w in _words.split(","):
        _w = _w.strip()
        if _w not in _by_form:
            sys.exit("class %s names %r, which is no noun of the vocabulary" % (_cls, _w))
        if _cls not in _by_form[_w].classes:
            _by_form[_w].classes.append(_cls)


def nouns_of(*classes):
    return [n for n in NOUNS if any(c in n.classes for c in classes)]


FIRST_NAMES = ("Anna Tom Maria David Sarah James Lisa Mike Emma Ben Priya Omar Chen Sofia Lucas Nina Sam "
               "Leo Grace Daniel Olivia Ahmed Yuki Carlos Hannah Jack Mia Raj Elena Paul").split()
SURNAMES = "Smith Brown Garcia Patel Nguyen Kim Johnson Miller Rossi Novak Silva Walker".split()
TITLES = ("Mr.", "Ms.", "Dr.")
CITIES = ("London Paris Berlin Tokyo Chicago Madrid Boston Toronto Sydney Lagos Mumbai Dublin Seattle "
          "Rome Denver Oslo Lisbon Nairobi").split()
COUNTRIES = "France Spain Japan Canada Brazil Kenya India Germany Mexico Italy".split()
ORG_NAMES = ["Northwind", "Greenfield Bank", "Bluebird Airlines", "Redwood Labs", "Harbor Energy"]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()


class Verb:
    def __init__(self, base, past=None, pp=None, s=None, ing=None):
        self.base = base
        self.s = s or _third(base)
        self.past = past or _past(base)
        self.pp = pp or self.past
        self.ing = ing or _ing(base)

    def form(self, kind):
        return tok(getattr(self, kind), "VERB", self.base)


def _third(b):
    if b.endswith(("s", "x", "ch", "sh", "z", "o")):
        return b + "es"
    if b.endswith("y") and b[-2] not in "aeiou":
        return b[:-1] + "ies"
    return b + "s"


def _past(b):
    if b.endswith("e"):
        return b + "d"
    if b.endswith("y") and b[-2] not in "aeiou":
        return b[:-1] + "ied"
    return b + "ed"


def _ing(b):
    if b.endswith("ie"):
        return b[:-2] + "ying"
    if b.endswith("e") and not b.endswith(("ee", "ye", "oe")):
        return b[:-1] + "ing"
    return b + "ing"


def V(spec, s=None):
    """'base' or 'base past pp ing' with '-' for a regular form."""
    parts = spec.split()
    base = parts[0]
    rest = [None if p == "-" else p for p in parts[1:]] + [None] * 3
    return Verb(base, past=rest[0], pp=rest[1], ing=rest[2], s=s)


HAVE = V("have had had", s="has")

# Transitive verbs and the noun classes their object may take.
TRANSITIVE = [
    (V("buy bought bought"), "THING BIG FOOD DRINK"),
    (V("find found found"), "THING PERSON ANIMAL"),
    (V("need"), "THING BIG FOOD DRINK BOOKABLE"),
    (V("want"), "THING BIG FOOD DRINK"),
    (V("like"), "FOOD DRINK ANIMAL PLACE WATCHABLE"),
    (V("love"), "FOOD DRINK ANIMAL PLACE WATCHABLE PERSON"),
    (V("hate"), "FOOD DRINK WATCHABLE"),
    (V("read read read"), "READABLE"),
    (V("write wrote written"), "WRITABLE"),
    (V("bring brought brought"), "THING FOOD DRINK"),
    (V("take took taken"), "THING TRANSPORT"),
    (V("open"), "OPENABLE"),
    (V("close"), "CLOSABLE"),
    (V("fix"), "FIXABLE"),
    (V("lose lost lost"), "THING"),
    (V("sell sold sold"), "THING BIG"),
    (V("send sent sent"), "SENDABLE"),
    (V("carry"), "THING"),
    (V("check"), "CHECKABLE"),
    (V("see saw seen"), "PERSON ANIMAL WATCHABLE"),
    (V("watch"), "WATCHABLE"),
    (V("book"), "BOOKABLE"),
    (V("order"), "FOOD DRINK"),
    (V("cook"), "FOOD MEAL"),
    (V("eat ate eaten"), "FOOD MEAL"),
    (V("drink drank drunk"), "DRINK"),
    (V("make made made"), "FOOD MEAL BREWABLE"),
    (V("call"), "PERSON CALLABLE"),
    (V("meet met met"), "PERSON"),
    (V("help"), "PERSON"),
    (V("visit"), "PERSON PLACE"),
    (V("ask"), "PERSON"),
    (V("answer"), "ANSWERABLE"),
    (V("use"), "THING BIG"),
    (V("wash"), "WASHABLE"),
    (V("clean"), "CLEANABLE"),
    (V("feed fed fed"), "ANIMAL"),
    (V("walk"), "WALKABLE"),
    (V("park"), "PARKABLE"),
    (V("play"), "PLAYABLE"),
    (V("win won won winning"), "WINNABLE"),
    (V("pay paid paid"), "PAYABLE"),
    (V("miss"), "TRANSPORT PERSON"),
    (V("catch caught caught"), "TRANSPORT"),
    (V("finish"), "TASK"),
    (V("start"), "TASK"),
    (V("discuss"), "DISCUSSABLE"),
    (V("forget forgot forgotten forgetting"), "THING"),
    (V("borrow"), "THING BIG"),
    (V("print"), "PRINTABLE"),
    (V("share"), "SHARABLE"),
    (V("paint"), "PAINTABLE"),
    (V("run ran run running"), "RUNNABLE"),
    (V("text"), "PERSON"),
    (V("email"), "PERSON"),
    (V("water"), "PLANT"),
    (V("plan planned planned planning"), "EVENT"),
    (V("enjoy"), "EVENT MEAL FOOD DRINK"),
    (HAVE, "THING BIG ANIMAL MEAL"),
    (V("do did done", s="does"), "TASK"),
    (V("get got gotten getting"), "THING BIG TICKET"),
]
TRANSITIVE = [(v, cls.split()) for v, cls in TRANSITIVE]

# Verbs of news reports, their object classes; subjects are organisations and officials.
NEWS_TRANSITIVE = [(V(s), c.split()) for s, c in [
    ("announce", "NEWSOBJ"), ("approve", "NEWSOBJ"), ("reject", "NEWSOBJ"), ("propose", "NEWSOBJ"),
    ("delay", "NEWSOBJ"), ("support", "NEWSOBJ"), ("criticize", "NEWSOBJ"), ("review", "NEWSOBJ"),
    ("cancel", "NEWSOBJ"), ("publish", "NEWSOBJ"),
]]

# Intransitive verbs; "go" and the like take a destination.
INTRANSITIVE = [V(s) for s in ("sleep slept slept", "work", "wait", "arrive", "laugh", "smile", "cry",
                               "swim swam swum swimming", "dance", "sing sang sung", "study", "rest",
                               "relax", "exercise", "train", "cook", "run ran run running", "read read read",
                               "win won won winning", "shop shopped shopped shopping", "jog jogged jogged jogging",
                               "play", "rain", "talk", "travel traveled traveled")]
MOTION = [V(s) for s in ("go went gone", "walk", "drive drove driven", "come came come", "move",
                         "travel traveled traveled", "fly flew flown", "run ran run running", "return", "ride rode ridden")]
TO_INFINITIVE = [V(s) for s in ("want", "need", "try", "plan planned planned planning", "hope", "decide",
                                "forget forgot forgotten forgetting", "like", "love", "prefer preferred preferred preferring")]
TO_INFINITIVE += [HAVE, HAVE]  # 'I have to go'

SAY_THINK = [V(s) for s in ("think thought thought", "know knew known", "hope", "believe", "guess",
                            "say said said", "hear heard heard", "feel felt felt", "remember", "understand understood understood")]

# Adjectives that may follow "be" ...
ADJ_PERSON = ("happy tired busy hungry ready late sick angry nice funny sure young old nervous excited "
              "free worried bored right wrong kind smart quiet friendly lucky proud upset").split()
ADJ_THING = ("new old big small cheap expensive broken heavy light clean empty full red blue green black "
             "white nice great perfect useful strange").split()
ADJ_FOOD = "hot cold good fresh delicious sweet spicy cheap great warm".split()
ADJ_PLACE = "open closed busy quiet crowded far nice beautiful small big new empty clean warm".split()
ADJ_EVENT = "long short boring great fun important interesting early late difficult easy".split()
ADJ_WEATHER = "cold hot warm sunny windy cloudy wet nice".split()
ADJ_NEWS = "new national local public major annual final".split()
DEGREE = "very really so too quite pretty extremely".split()
FREQUENCY = "always usually often sometimes never".split()
MANNER = "quickly slowly carefully quietly together again".split()  # after a verb and its object
INTRANSITIVE_ADV = "hard well early late together again alone a_lot".split()  # after a verb alone

# ... and those that go before a noun, by the noun's class.
ADJ_BEFORE_NOUN = {
    "PERSON": "happy tired busy young old nice funny kind smart quiet friendly new".split(),
    "ANIMAL": "small big old young cute hungry".split(),
    "THING": ADJ_THING, "BIG": ADJ_THING, "READ": "new old long short interesting good".split(),
    "MSG": "long short new".split(), "FOOD": ADJ_FOOD, "DRINK": ADJ_FOOD, "MEAL": "big good quick late early".split(),
    "PLACE": "busy quiet crowded nice beautiful small big new empty clean old".split(),
    "EVENT": "long short boring great important interesting difficult easy fun".split(),
    "TRANSPORT": "next last early late first".split(), "ABSTRACT": "good new big great".split(),
    "NEWSACTOR": ADJ_NEWS, "NEWSPERSON": "former new local senior".split(), "TIME": ["long"],
}


# ---------------------------------------------------------------------------------------------
# Function words and agreement
# ---------------------------------------------------------------------------------------------

SUBJ_PRON = {"I": ("I", 1, "sg"), "you": ("you", 2, "pl"), "he": ("he", 3, "sg"), "she": ("she", 3, "sg"),
             "it": ("it", 3, "sg"), "we": ("we", 1, "pl"), "they": ("they", 3, "pl")}
OBJ_PRON = {"me": "I", "you": "you", "him": "he", "her": "she", "it": "it", "us": "we", "them": "they"}
POSS_PRON = {"my": "my", "your": "your", "his": "he", "her": "she", "our": "we", "their": "they"}


class Agr:
    """Person and number of a subject; 'you' agrees as plural."""

    def __init__(self, person, number, pronoun=None):
        self.person, self.number, self.pronoun = person, number, pronoun

    @property
    def third_sg(self):
        return self.person == 3 and self.number == "sg"


def be_form(agr, tense):
    if tense == "past":
        return "was" if agr.number == "sg" and agr.person != 2 else "were"
    if agr.person == 1 and agr.number == "sg":
        return "am"
    return "is" if agr.third_sg else "are"


CONTRACTED = {"am": "'m", "are": "'re", "is": "'s", "will": "'ll", "would": "'d", "have": "'ve", "has": "'s"}
AUX_LEMMA = {"am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "be": "be", "been": "be",
             "being": "be", "do": "do", "does": "do", "did": "do", "have": "have", "has": "have",
             "had": "have", "will": "will", "would": "would", "can": "can", "could": "could",
             "should": "should", "might": "might", "must": "must", "may": "may", "ca": "can", "wo": "will",
             "'m": "be", "'re": "be", "'ll": "will", "'d": "would", "'ve": "have"}


def aux(form):
    return tok(form, "AUX", AUX_LEMMA[form.lower()])


def neg_tokens(aux_form, short):
    """The aux with its negation: 'do' 'n't', 'ca' 'n't', 'wo' 'n't', or 'is' 'not'."""
    if short and aux_form not in ("am", "might", "may"):
        head = {"can": "ca", "will": "wo"}.get(aux_form, aux_form)
        return [tok(head, "AUX", AUX_LEMMA[aux_form]), tok("n't", "PART", "not")]
    return [aux(aux_form), tok("not", "PART")]


def article_for(word):
    w = word.lower()
    if w.startswith(("uni", "use", "euro", "one")):
        return "a"
    if w.startswith(("hour", "honest")) or w[0] in "aeiou":
        return "an"
    return "a"


# ---------------------------------------------------------------------------------------------
# Noun phrases
# ---------------------------------------------------------------------------------------------

def adjective_for(n):
    for c in n.classes:
        if c in ADJ_BEFORE_NOUN:
            return pick(ADJ_BEFORE_NOUN[c])
    return pick(ADJ_THING)


def noun_np(n, plural=None, definite=None, adj_p=0.3, allow_poss=True, allow_quant=True):
    """A common-noun phrase: determiner or possessive, optional adjective, the noun."""
    if plural is None:
        plural = (not n.mass) and n.pl is not None and chance(0.3)
    if n.pl is None:
        plural = False
    body = []
    if CHAT[0]:
        adj_p *= 0.4
    if n.mass and "ABSTRACT" in n.classes:
        adj_p = 0
    if chance(adj_p):
        if chance(0.15):
            body.append(tok(pick(["very", "really"]), "ADV"))
        body.append(tok(adjective_for(n), "ADJ"))
    body += n.tokens(plural)
    first = body[0][0]
    r = R.random()
    if allow_poss and r < 0.22:
        if chance(0.75):
            p = pick(list(POSS_PRON))
            return [tok(p, "PRON", POSS_PRON[p])] + body, plural
        return [tok(pick(FIRST_NAMES), "PROPN"), tok("'s", "PART")] + body, plural
    if definite is True or (definite is None and r < 0.55):
        d = pick(["the"] * 6 + (["these", "those"] if plural else ["this", "that"]))
        return [tok(d, "DET")] + body, plural
    if n.mass:
        if allow_quant and chance(0.3) and "DRINK" in n.classes:
            cont = pick(["cup", "glass", "bottle"])
            return [tok("a", "DET"), tok(cont, "NOUN"), tok("of", "ADP")] + body, False
        if chance(0.5):
            return body, False
        return [tok(pick(["some", "some", "no"]), "DET")] + body, False
    if plural:
        q = R.random()
        if q < 0.35:
            return [tok(pick(["two", "three", "four", "five", "ten", "2", "3", "20"]), "NUM")] + body, True
        if q < 0.55:
            return [tok("some", "DET")] + body, True
        if q < 0.62:
            return [tok("all", "DET"), tok("the", "DET")] + body, True
        if q < 0.68:
            return [tok("many", "ADJ")] + body, True
        if q < 0.75:
            return [tok("a", "DET"), tok("few", "ADJ")] + body, True
        return body, True
    q = R.random()
    if q < 0.05:
        return [tok("one", "NUM")] + body, False
    if q < 0.12:
        return [tok(pick(["another", "every"]), "DET")] + body, False
    return [tok(article_for(first), "DET")] + body, False


def np_of(classes, **kw):
    n = pick(nouns_of(*classes))
    toks, plural = noun_np(n, **kw)
    return toks, plural, n


def name_np():
    r = R.random() * (0.75 if CHAT[0] else 1)
    if r < 0.75:
        return [tok(pick(FIRST_NAMES), "PROPN")]
    if r < 0.9:
        return [tok(pick(TITLES), "PROPN"), tok(pick(SURNAMES), "PROPN")]
    return [tok(pick(FIRST_NAMES), "PROPN"), tok(pick(SURNAMES), "PROPN")]


def person_subject(pronoun_p=0.55, definite=None):
    """A subject that can do things; returns tokens and agreement."""
    if CHAT[0]:
        pronoun_p = max(pronoun_p, 0.8)
    r = R.random()
    if r < pronoun_p:
        p = pick(["I", "I", "you", "he", "she", "we", "they", "we", "you"])
        form, person, number = SUBJ_PRON[p]
        return [tok(form, "PRON", p if p == "I" else p.lower())], Agr(person, number, p)
    if r < pronoun_p + 0.2:
        toks = name_np()
        if chance(0.15):
            toks += [tok("and", "CCONJ")] + name_np()
            return toks, Agr(3, "pl")
        return toks, Agr(3, "sg")
    n = pick(nouns_of("PERSON"))
    toks, plural = noun_np(n, adj_p=0.15, definite=definite)
    return toks, Agr(3, "pl" if plural else "sg")


SUBJECT = [None]  # the pronoun of the clause being built, so that 'I' does not meet 'me'


def person_object():
    r = R.random()
    if r < 0.45:
        p = pick([o for o, subj in OBJ_PRON.items() if subj != SUBJECT[0] or subj == "you"])
        return [tok(p, "PRON", OBJ_PRON[p])]
    if r < 0.7:
        return name_np()
    toks, _ = noun_np(pick(nouns_of("PERSON")), adj_p=0.15)
    return toks


def object_np(classes):
    if "PERSON" in classes and chance(0.6):
        return person_object()
    if chance(0.12) and any(c in classes for c in ("THING", "FOOD", "DRINK", "READABLE", "SENDABLE", "FIXABLE")):
        return [tok("it", "PRON")] if chance(0.7) else [tok("them", "PRON", "they")]
    toks, _, _ = np_of(classes)
    return toks


def place_np(city_p=0.25, rooms=False):
    """A destination: a city or a place; rooms only where walking there makes sense."""
    if chance(city_p):
        return [tok(pick(CITIES), "PROPN")]
    n = pick([x for x in nouns_of("PLACE") if rooms or x.sg not in ROOMS])
    toks, _ = noun_np(n, plural=False, definite=chance(0.75) or None, allow_poss=chance(0.5), adj_p=0.2)
    return toks


# ---------------------------------------------------------------------------------------------
# Prepositional phrases and adverbials
# ---------------------------------------------------------------------------------------------

ROOMS = {"kitchen", "room", "bathroom", "garden"}
PLACE_PREPOSITIONS = [
    ({"bridge", "beach", "coast", "island", "street"}, ["on", "near"]),
    ({"river", "lake", "mountain", "border"}, ["near"]),
    (ROOMS | {"city", "village", "city center"}, ["in"]),
]


def location_pp():
    """'at home', 'in Paris', 'on the beach', 'near the station'"""
    r = R.random()
    if r < 0.12:
        return [tok("at", "ADP"), tok(pick(["home", "work", "school"]), "NOUN")]
    if r < 0.3:
        return [tok("in", "ADP"), tok(pick(CITIES + COUNTRIES), "PROPN")]
    n = pick(nouns_of("PLACE"))
    toks, _ = noun_np(n, plural=False, definite=True if chance(0.7) else None, adj_p=0.2)
    preps = next((p for places, p in PLACE_PREPOSITIONS if n.sg in places), ["in", "at", "near", "outside", "behind"])
    return [tok(pick(preps), "ADP")] + toks


def clock_time():
    h = R.randint(1, 12)
    if chance(0.5):
        return [tok(str(h), "NUM")]
    return [tok("%d:%02d" % (h, pick([0, 15, 30, 45])), "NUM")]


def duration():
    """'two hours', 'an hour', 'a few days'"""
    unit = pick(["hour", "minute", "day", "week", "month"])
    q = R.random()
    if q < 0.3:
        return [tok(article_for(unit), "DET"), tok(unit, "NOUN")]
    if q < 0.45:
        return [tok("a", "DET"), tok("few", "ADJ"), tok(unit + "s", "NOUN", unit)]
    return [tok(pick(["two", "three", "ten", "20", "45"]), "NUM"), tok(unit + "s", "NOUN", unit)]


def time_adverbial(tense):
    """A time expression fitting the tense: 'yesterday', 'next week', 'on Monday', 'at 7:30'."""
    if tense in ("past", "past_prog", "perf"):
        opts = ["yesterday", "last", "ago", "on_day", "this_part", "in_month", "at_clock", "in_year"]
        if tense == "perf":
            opts = ["this_week", "today", "recently", "before", "this_week"]
    elif tense in ("fut", "going", "modal"):
        opts = ["tomorrow", "next", "on_day", "at_clock", "later", "soon", "tonight", "this_part"]
    elif tense == "prog":
        opts = ["now", "right_now", "today", "at_moment", "this_week"]
    else:
        opts = ["every", "on_days", "in_the_part", "at_weekend", "at_clock"]
    k = pick(opts)
    if k in ("yesterday", "tomorrow", "tonight", "today"):
        return [tok(k, "NOUN")]
    if k in ("later", "soon", "now", "recently", "before"):
        return [tok(k, "ADV")]
    if k == "right_now":
        return [tok("right", "ADV"), tok("now", "ADV")]
    if k == "at_moment":
        return [tok("at", "ADP"), tok("the", "DET"), tok("moment", "NOUN")]
    if k == "last":
        return [tok("last", "ADJ"), tok(pick(["week", "night", "year", "month", "weekend", "summer"]), "NOUN")]
    if k == "next":
        if chance(0.3):
            return [tok("next", "ADJ"), tok(pick(DAYS), "PROPN")]
        return [tok("next", "ADJ"), tok(pick(["week", "year", "month", "weekend", "summer"]), "NOUN")]
    if k == "ago":
        unit = pick(["day", "week", "year", "hour", "minute"])
        if chance(0.25):
            return [tok(article_for(unit), "DET"), tok(unit, "NOUN"), tok("ago", "ADV")]
        return [tok(pick(["two", "three", "five", "10"]), "NUM"), tok(unit + "s", "NOUN", unit), tok("ago", "ADV")]
    if k == "on_day":
        return [tok("on", "ADP"), tok(pick(DAYS), "PROPN")]
    if k == "on_days":
        day = pick(DAYS)
        return [tok("on", "ADP"), tok(day + "s", "PROPN", day)]
    if k in ("this_part", "this_week"):
        return [tok("this", "DET"), tok(pick(["morning", "afternoon", "evening", "week", "weekend"]), "NOUN")]
    if k == "in_month":
        return [tok("in", "ADP"), tok(pick(MONTHS), "PROPN")]
    if k == "in_year":
        return [tok("in", "ADP"), tok(str(R.randint(1990, 2024)), "NUM")]
    if k == "at_clock":
        return [tok("at", "ADP")] + clock_time()
    if k == "every":
        return [tok("every", "DET"), tok(pick(["day", "morning", "week", "night", "year"]), "NOUN")]
    if k == "in_the_part":
        return [tok("in", "ADP"), tok("the", "DET"), tok(pick(["morning", "afternoon", "evening"]), "NOUN")]
    if k == "at_weekend":
        return [tok("on", "ADP"), tok("the", "DET"), tok("weekend", "NOUN")]
    return []


def other_pp():
    r = R.random()
    if r < 0.4:
        return [tok("with", "ADP")] + person_object()
    if r < 0.65:
        return [tok("for", "ADP")] + duration()
    toks, _, _ = np_of(["EVENT", "MEAL"], definite=True)
    return [tok(pick(["after", "before", "during"]), "ADP")] + toks


# ---------------------------------------------------------------------------------------------
# Verb groups and clauses
# ---------------------------------------------------------------------------------------------

TENSES = ["pres", "pres", "past", "past", "prog", "fut", "modal", "perf", "going", "past_prog"]
MODALS = ["can", "could", "should", "might", "must", "would"]


def verb_group(agr, tense, verb, neg, question=False, short=True):
    """Returns (fronted, rest): in a question the first auxiliary (and a short n't) goes before
    the subject; in a statement fronted is empty and rest is the whole group."""
    if verb is None:  # copula: the group is only 'be' (plus tense auxiliaries)
        return copula_group(agr, tense, neg, question, short)
    if tense in ("pres", "past") and not neg and not question:
        kind = "past" if tense == "past" else ("s" if agr.third_sg else "base")
        return [], [verb.form(kind)]
    if tense in ("pres", "past"):
        a = "did" if tense == "past" else ("does" if agr.third_sg else "do")
        main = [verb.form("base")]
    elif tense == "prog":
        a, main = be_form(agr, "pres"), [verb.form("ing")]
    elif tense == "past_prog":
        a, main = be_form(agr, "past"), [verb.form("ing")]
    elif tense == "fut":
        a, main = "will", [verb.form("base")]
    elif tense == "modal":
        a = pick(MODALS if not question else ["can", "could", "should", "would"])
        main = [verb.form("base")]
    elif tense == "perf":
        a, main = ("has" if agr.third_sg else "have"), [verb.form("pp")]
    elif tense == "going":
        a = be_form(agr, "pres")
        main = [tok("going", "VERB", "go"), tok("to", "PART"), verb.form("base")]
    else:
        raise ValueError(tense)
    return split_aux(a, neg, main, question, short)


def split_aux(a, neg, main, question, short):
    if question:
        if neg and short and a != "am":
            return neg_tokens(a, True), main
        return [aux(a)], ([tok("not", "PART")] if neg else []) + main
    head = neg_tokens(a, short) if neg else [aux(a)]
    return [], head + main


def copula_group(agr, tense, neg, question, short):
    if tense in ("pres", "prog"):
        return split_aux(be_form(agr, "pres"), neg, [], question, short)
    if tense in ("past", "past_prog"):
        return split_aux(be_form(agr, "past"), neg, [], question, short)
    if tense in ("fut", "going"):
        return split_aux("will", neg, [aux("be")], question, short)
    if tense == "modal":
        return split_aux(pick(["might", "could", "should", "must"] if not question else ["could", "should"]),
                         neg, [aux("be")], question, short)
    return split_aux("has" if agr.third_sg else "have", neg, [aux("been")], question, short)


def contract(subject, group, agr):
    """'I am' -> 'I' "'m", 'they will' -> 'they' "'ll" for pronoun subjects, sometimes."""
    if not group or agr.pronoun is None or len(subject) != 1 or not chance(0.45):
        return group
    f = group[0][0]
    if f in CONTRACTED and f != "would" and not (len(group) > 1 and group[1][0] == "n't"):
        if f == "am" and agr.pronoun != "I":
            return group
        return [tok(CONTRACTED[f], "AUX", AUX_LEMMA[f])] + group[1:]
    return group


def predicate_for_subject(kind, agr=None):
    """The complement of a copula, fitting what the subject is: 'very tired', 'a doctor',
    'in the kitchen', 'here'."""
    adjs = {"person": ADJ_PERSON, "thing": ADJ_THING, "food": ADJ_FOOD, "place": ADJ_PLACE,
            "event": ADJ_EVENT, "weather": ADJ_WEATHER}[kind]
    r = R.random()
    if r < 0.7 or kind == "weather":
        out = []
        if chance(0.4):
            out.append(tok(pick(DEGREE), "ADV"))
        out.append(tok(pick(adjs), "ADJ"))
        if chance(0.12):
            out += [tok(pick(["and", "but"]), "CCONJ"), tok(pick([a for a in adjs if a != out[-1][0]]), "ADJ")]
        return out
    if kind == "person" and r < 0.85:
        # a predicate noun agrees in number with the subject: 'she is a nurse', 'they are nurses'
        n = pick([x for x in nouns_of("PERSON") if x.sg in OCCUPATIONS])
        plural = agr is not None and agr.number == "pl" and agr.person != 2  # 'you' stays singular
        adj = [tok(pick(ADJ_BEFORE_NOUN["PERSON"]), "ADJ")] if chance(0.25) else []
        if plural:
            return adj + n.tokens(True)
        return [tok(article_for((adj + n.tokens(False))[0][0]), "DET")] + adj + n.tokens(False)
    if kind in ("person", "thing") and chance(0.5):
        return [tok(pick(["here", "there", "outside", "upstairs", "inside", "home"]), "ADV")]
    if kind == "place":  # 'the park is in the city' says little; a place gets an adjective
        return [tok(pick(adjs), "ADJ")]
    return location_pp()


OCCUPATIONS = set(("teacher doctor nurse student boss manager driver player coach worker lawyer scientist "
                   "reporter artist chef waiter engineer pilot officer farmer singer dentist").split())


def subject_of_kind(kind):
    """A subject for a copula clause; 'a coat was light' sounds odd, so common nouns are definite."""
    if kind == "person":
        return person_subject(definite=True)
    cls = {"thing": ["THING"], "food": ["FOOD", "DRINK"], "place": ["PLACE"], "event": ["EVENT"]}[kind]
    if kind == "place" and chance(0.2):
        return [tok(pick(CITIES), "PROPN")], Agr(3, "sg")
    if chance(0.15) and kind != "place":
        return [tok("it", "PRON")], Agr(3, "sg", "it")
    toks, plural, _ = np_of(cls, adj_p=0.15, definite=True)
    return toks, Agr(3, "pl" if plural else "sg")


def copula_clause(question=False, neg=None):
    kind = pick(["person", "person", "person", "thing", "food", "place", "event", "weather"])
    if kind == "weather":
        subj, agr = [tok("it", "PRON")], Agr(3, "sg", "it")
    else:
        subj, agr = subject_of_kind(kind)
    if neg is None:
        neg = chance(0.2)
    tense = pick(["pres", "pres", "pres", "past", "past", "fut", "modal", "perf"])
    fronted, rest = copula_group(agr, tense, neg, question, short=chance(0.7))
    pred = predicate_for_subject(kind, agr)
    if not question and tense == "pres" and chance(0.12) and not neg:
        rest = rest + [tok(pick(["always", "usually", "often", "never", "still"]), "ADV")]
    if question:
        return fronted + subj + rest + pred
    return subj + contract(subj, rest, agr) + pred


# verbs of states, which sound wrong in the progressive ('is liking') or as orders ('want it!')
STATIVE = {"like", "love", "hate", "want", "need", "prefer", "know", "understand", "believe", "have", "remember"}


def lexical_clause(subject=None, tense=None, neg=None, question=False, allow_time=True):
    """A clause with a lexical verb: subject, verb group, complements, adverbials. In a question
    the first auxiliary goes before the subject ('Did you call her?')."""
    subj, agr = subject or person_subject()
    SUBJECT[0] = agr.pronoun
    tense = tense or pick(TENSES)
    if neg is None:
        neg = chance(0.2)
    verb, post, takes_manner = verb_and_complements()
    if verb.base in STATIVE and tense in ("prog", "past_prog"):
        tense = "pres" if tense == "prog" else "past"
    if verb.base == "rain":
        subj, agr = [tok("it", "PRON")], Agr(3, "sg", "it")
    freq = []
    if tense == "pres" and not question and chance(0.2):
        freq = [tok(pick(FREQUENCY), "ADV")]
        neg = False  # 'never' and the others don't mix with 'don't'
    fronted, rest = verb_group(agr, tense, verb, neg, question, short=chance(0.75))
    if tense == "perf" and not neg and not question and chance(0.3):
        rest = rest[:1] + [tok(pick(["just", "already", "never", "finally"]), "ADV")] + rest[1:]
    tail = []
    if takes_manner and chance(0.2):
        tail.append(tok(pick(MANNER), "ADV"))
    if allow_time and chance(0.4):
        tail += time_adverbial(tense)
    elif chance(0.15) and not any(u == "ADP" for _, u, _ in post):
        tail += other_pp()
    if question:
        return fronted + subj + rest + post + tail
    return subj + freq + contract(subj, rest, agr) + post + tail


def verb_and_complements():
    """A lexical verb with what follows it; the flag says whether a manner adverb may follow."""
    r = R.random()
    if r < 0.45:
        verb, classes = pick(TRANSITIVE)
        return verb, object_np(classes), True
    if r < 0.57:
        verb = pick(MOTION)
        if verb.base == "go" and chance(0.25):
            what = pick(["walk", "run", "swim", "ride", "drink", "coffee"])
            return verb, [tok("for", "ADP"), tok("a", "DET"), tok(what, "NOUN")], False
        if verb.base in ("go", "come", "drive", "walk", "run", "return") and chance(0.25):
            return verb, [tok(pick(["home", "back"]), "ADV")], False
        if verb.base == "fly":
            return verb, [tok("to", "ADP"), tok(pick(CITIES + COUNTRIES), "PROPN")], False
        return verb, [tok("to", "ADP")] + place_np(rooms=verb.base in ("go", "come", "walk", "run")), True
    if r < 0.7:
        verb = pick(TO_INFINITIVE)
        inner, classes = pick([x for x in TRANSITIVE if x[0].base not in STATIVE and x[0].base != verb.base])
        return verb, [tok("to", "PART"), inner.form("base")] + object_np(classes), False
    if r < 0.77:
        entry = pick(PHRASAL_VERBS)
        return entry[0], phrasal_rest(entry), False
    verb = pick(INTRANSITIVE)
    if verb.base == "rain":
        return verb, [], False
    if verb.base == "wait" and chance(0.5):
        who = person_object() if chance(0.5) else np_of(["TRANSPORT"], definite=True)[0]
        return verb, [tok("for", "ADP")] + who, False
    if verb.base in ("work", "study", "sleep", "rest", "exercise", "train", "read", "talk", "swim") and chance(0.4):
        return verb, location_pp(), False
    if chance(0.35):
        adv = pick(INTRANSITIVE_ADV)
        if adv == "a_lot":
            return verb, [tok("a", "DET"), tok("lot", "NOUN")], False
        return verb, [tok(adv, "ADV")], False
    return verb, [], False


PHRASAL_VERBS = [(V(b), p, objcls) for b, p, objcls in [
    ("wake woke woken", "up", None), ("get got got getting", "up", None), ("pick picked picked", "up", "PERSON"),
    ("turn", "off", "SWITCHABLE"), ("turn", "on", "SWITCHABLE"), ("find found found", "out", None),
    ("sit sat sat sitting", "down", None), ("give gave given", "up", None), ("calm", "down", None),
    ("hang hung hung", "out", None), ("clean", "up", None),
]]


def phrasal_rest(entry):
    """Particles of phrasal verbs are ADP in UD English: 'turn it off', 'pick up the kids'."""
    verb, particle, objcls = entry
    if objcls is None:
        return [tok(particle, "ADP")]
    if chance(0.5):
        pronouns = ["him", "her", "them", "me"] if objcls == "PERSON" else ["it", "it", "them"]
        return [tok(pick(pronouns), "PRON", None), tok(particle, "ADP")]
    return [tok(particle, "ADP")] + object_np([objcls])


def fix_pron_lemma(tokens):
    return [(f, u, OBJ_PRON[f.lower()]) if u == "PRON" and f.lower() in ("him", "her", "them", "me", "us") else (f, u, l)
            for f, u, l in tokens]


# ---------------------------------------------------------------------------------------------
# Sentence types
# ---------------------------------------------------------------------------------------------

def end(mark="."):
    return [tok(mark, "PUNCT")]


def s_declarative():
    toks = lexical_clause()
    return toks + end(pick([".", ".", ".", "!"]))


def s_copula():
    return copula_clause() + end()


def s_existential():
    """'There is a dog in the garden.': existential 'there' is PRON and its 'be' is VERB."""
    neg = chance(0.2)
    n = pick(nouns_of("THING", "BIG", "FOOD", "DRINK", "ANIMAL", "PERSON", "EVENT", "ABSTRACT"))
    plural = (not n.mass) and chance(0.4)
    tense = pick(["pres", "pres", "past", "fut"])
    if tense == "fut":
        be = [aux("will")] + ([tok("not", "PART")] if neg else []) + [tok("be", "VERB")]
    else:
        f = ("are" if plural else "is") if tense == "pres" else ("were" if plural else "was")
        be = [tok(f, "VERB", "be")]
        if neg:
            be.append(tok("n't", "PART", "not") if chance(0.6) else tok("not", "PART"))
        elif f == "is" and chance(0.35):
            be = [tok("'s", "VERB", "be")]
    if neg:
        det = [tok("any", "DET")] if plural or n.mass else [tok(article_for(n.sg), "DET")]
    elif plural or n.mass:
        q = pick(["some", "two", "three", "many", "a lot of"] if plural else ["some", "no", "a lot of"])
        det = {"two": [tok("two", "NUM")], "three": [tok("three", "NUM")], "many": [tok("many", "ADJ")],
               "a lot of": [tok("a", "DET"), tok("lot", "NOUN"), tok("of", "ADP")]}.get(q, [tok(q, "DET")])
    else:
        det = [tok(article_for(n.sg), "DET")]
    toks = [tok("there", "PRON")] + be + det + n.tokens(plural)
    if chance(0.7):
        toks += location_pp()
    if chance(0.2) and tense != "fut":
        toks += time_adverbial("past" if tense == "past" else "prog")
    return toks + end()


def s_yes_no_question():
    """'Is the store open?', 'Did you call her?', 'Would you like some tea?'"""
    if chance(0.35):
        return copula_clause(question=True, neg=chance(0.1)) + end("?")
    if chance(0.2):
        if chance(0.5):
            lead = [aux("Would"), tok("you", "PRON"), tok("like", "VERB")]
        else:
            lead = [aux("Do"), tok("you", "PRON"), tok("want", "VERB")]
        if chance(0.4):
            verb, classes = pick(TRANSITIVE)
            return lead + [tok("to", "PART"), verb.form("base")] + object_np(classes) + end("?")
        n = pick(nouns_of("FOOD", "DRINK"))
        body = [tok("some", "DET") if n.mass else tok(article_for(n.sg), "DET")] + n.tokens(False)
        return lead + body + end("?")
    subj = person_subject(pronoun_p=0.75)
    tense = pick(["pres", "past", "modal", "perf", "fut", "prog", "going"])
    return lexical_clause(subj, tense=tense, neg=chance(0.08), question=True) + end("?")


WHEN_VERBS = {"EVENT": ["start", "end", "finish", "begin began begun beginning"],
              "TRANSPORT": ["leave left left", "arrive", "depart"],
              "OPENING": ["open", "close"]}


def class_of(n, choices):
    return next(c for c in choices if c in n.classes)


def s_wh_question():
    r = R.random()
    if r < 0.3:
        # the question word stands for the object: 'What did you buy?', 'Who did you call?'
        subj, agr = person_subject(pronoun_p=0.8)
        tense = pick(["pres", "past", "modal", "fut", "going"])
        verb, classes = pick(TRANSITIVE)
        word = "What" if "PERSON" not in classes else ("Who" if classes == ["PERSON"] or chance(0.6) else "What")
        if word == "What" and classes == ["PERSON"]:
            word = "Who"
        fronted, rest = verb_group(agr, tense, verb, False, question=True)
        toks = [tok(word, "PRON")] + fronted + [subj[0]] + subj[1:] + rest
        if chance(0.3):
            toks += time_adverbial(tense)
        return toks + end("?")
    if r < 0.5:
        # 'Where do you live?', 'When does the train leave?', 'Why did she leave?'
        w = pick(["Where", "When", "Why", "How"])
        tense = pick(["pres", "past", "fut", "modal"])
        if w == "When" and chance(0.6):
            n = pick(nouns_of("EVENT", "TRANSPORT"))
            subj, agr = [tok("the", "DET")] + n.tokens(False), Agr(3, "sg")
            verb = V(pick(WHEN_VERBS[class_of(n, ["EVENT", "TRANSPORT"])]))
        elif w == "Where":
            subj, agr = person_subject(pronoun_p=0.8)
            verb = pick([V("live"), V("work"), V("go went gone"), V("stay"), V("study"), V("park"), V("sleep slept slept")])
        else:
            subj, agr = person_subject(pronoun_p=0.8)
            verb = pick([v for v in INTRANSITIVE + MOTION if v.base != "rain"])
        fronted, rest = verb_group(agr, tense, verb, w == "Why" and chance(0.3), question=True)
        extra = []
        if verb.base in MOTION_BASES and w != "Where" and chance(0.6):
            extra = [tok("to", "ADP")] + place_np()
        return [tok(w, "ADV")] + fronted + subj + rest + extra + end("?")
    if r < 0.7:
        # 'Where is the station?', 'Where are my keys?', 'How are you?', 'How was the trip?'
        w = pick(["Where", "How"])
        if w == "Where":
            if chance(0.3):
                p = pick(list(POSS_PRON))
                subj, agr = [tok(p, "PRON", POSS_PRON[p])] + pick(nouns_of("THING")).tokens(True), Agr(3, "pl")
            else:
                subj, agr = [tok("the", "DET")] + pick(nouns_of("PLACE")).tokens(False), Agr(3, "sg")
        elif chance(0.5):
            p = pick(["you", "you", "they", "he", "she"])
            subj, agr = [tok(p, "PRON")], Agr(SUBJ_PRON[p][1], SUBJ_PRON[p][2], p)
        else:
            n = pick(nouns_of("EVENT", "MEAL"))
            subj, agr = [tok("the", "DET") if chance(0.5) else tok("your", "PRON")] + n.tokens(False), Agr(3, "sg")
        tense = pick(["pres", "past"])
        if tense == "pres" and agr.third_sg and agr.pronoun is None and chance(0.3):
            return [tok(w, "ADV"), tok("'s", "AUX", "be")] + subj + end("?")
        return [tok(w, "ADV"), aux(be_form(agr, tense))] + subj + end("?")
    if r < 0.8:
        # 'What time is it?', 'What time does the store open?', 'Which bus goes to the airport?'
        if chance(0.5):
            if chance(0.3):
                return [tok("What", "DET"), tok("time", "NOUN"), aux("is"), tok("it", "PRON")] + end("?")
            n = pick(nouns_of("EVENT", "TRANSPORT", "OPENING"))
            verb = V(pick(WHEN_VERBS[class_of(n, ["EVENT", "TRANSPORT", "OPENING"])]))
            fronted, rest = verb_group(Agr(3, "sg"), pick(["pres", "past", "fut"]), verb, False, question=True)
            return [tok("What", "DET"), tok("time", "NOUN")] + fronted + [tok("the", "DET")] + n.tokens(False) + rest + end("?")
        n = pick(nouns_of("TRANSPORT"))
        return [tok("Which", "DET")] + n.tokens(False) + [tok("goes", "VERB", "go"), tok("to", "ADP")] + place_np() + end("?")
    if r < 0.9:
        # 'How many tickets do you need?', 'How much is the coffee?'
        if chance(0.5):
            n = pick([x for x in nouns_of("THING", "FOOD", "BOOKABLE") if not x.mass])
            subj, agr = person_subject(pronoun_p=0.9)
            verb = pick([V("need"), V("want"), V("buy bought bought"), HAVE, V("see saw seen")])
            fronted, rest = verb_group(agr, pick(["pres", "past"]), verb, False, question=True)
            return [tok("How", "ADV"), tok("many", "ADJ")] + n.tokens(True) + fronted + subj + rest + end("?")
        n = pick(nouns_of("FOOD", "DRINK", "THING"))
        plural = not n.mass and chance(0.3)
        return [tok("How", "ADV"), tok("much", "ADJ"), aux("are" if plural else "is"), tok("the", "DET")] + \
            n.tokens(plural) + end("?")
    # the question word is the subject: 'Who called you?', 'What happened?'
    if chance(0.3):
        return [tok("What", "PRON"), tok("happened", "VERB", "happen")] + end("?")
    verb, classes = pick([x for x in TRANSITIVE if "PERSON" in x[1] or "THING" in x[1]])
    return [tok("Who", "PRON"), verb.form("past")] + object_np(classes) + end("?")


MOTION_BASES = {v.base for v in MOTION}


def s_imperative():
    r = R.random()
    pre = []
    if chance(0.25):
        pre = [tok("Please", "INTJ")]
    if r < 0.15:
        return pre + [tok("Do", "AUX", "do"), tok("n't", "PART", "not")] + imperative_vp() + end(pick([".", "!"]))
    if r < 0.3:
        return [tok("Let", "VERB", "let"), tok("'s", "PRON", "we")] + imperative_vp() + end(pick([".", "!"]))
    if r < 0.37:
        return [tok("Be", "AUX", "be"), tok(pick(["careful", "quiet", "nice", "patient", "ready", "polite"]), "ADJ")] + \
            (location_pp() if chance(0.3) else []) + end(pick([".", "!"]))
    toks = pre + imperative_vp()
    if chance(0.15):
        toks += [tok("and", "CCONJ")] + imperative_vp()
    if not pre and chance(0.15):
        toks += [tok(",", "PUNCT"), tok("please", "INTJ")]
    return toks + end(pick([".", "!"]))


def imperative_vp():
    r = R.random()
    if r < 0.55:
        verb, classes = pick([x for x in TRANSITIVE if x[0].base not in STATIVE])
        toks = [verb.form("base")] + object_np(classes)
        if chance(0.3):
            toks += pick([location_pp, other_pp])()
        return (toks)
    if r < 0.7:
        verb = pick(MOTION)
        if chance(0.3) and verb.base in ("go", "come", "drive", "walk"):
            return [verb.form("base"), tok(pick(["home", "back"]), "ADV")]
        if verb.base == "fly":
            return [verb.form("base"), tok("to", "ADP"), tok(pick(CITIES), "PROPN")]
        return [verb.form("base"), tok("to", "ADP")] + place_np(rooms=verb.base in ("go", "come", "walk", "run"))
    if r < 0.82:
        entry = pick(PHRASAL_VERBS)
        return [entry[0].form("base")] + phrasal_rest(entry)
    if r < 0.9:
        when = pick([("later", "ADV"), ("back", "ADV"), ("tomorrow", "NOUN"), ("tonight", "NOUN")])
        return [tok(pick(["call", "text", "email"]), "VERB"), tok("me", "PRON", "I"), tok(*when)]
    v = pick([v for v in INTRANSITIVE if v.base != "rain"])
    return [v.form("base")] + ([tok(pick(["here", "now", "quietly", "hard", "well"]), "ADV")] if chance(0.5) else [])


def s_subordinate():
    """'If it rains tomorrow, we will stay at home.', 'I stayed home because I was sick.'"""
    conj = pick(["because", "because", "if", "if", "when", "when", "before", "after", "while", "although", "until"])
    if conj == "if":
        sub = clause_any(tense=pick(["pres", "pres", "prog"]))
        main = main_for_if()
    elif conj == "when":
        t = pick(["pres", "past"])
        sub = clause_any(tense=t)
        main = clause_any(tense=pick(["fut", "modal"]) if t == "pres" else "past")
    elif conj in ("before", "after", "until"):
        t = pick(["pres", "past"])
        sub = clause_any(tense=t, allow_time=False)
        main = clause_any(tense=pick(["fut", "modal", "going"]) if t == "pres" else "past")
        if t == "pres" and chance(0.4):
            main = imperative_vp()
    else:
        sub = clause_any()
        main = clause_any()
    cpos = "ADV" if conj == "when" else "SCONJ"
    if conj in ("if", "when") and chance(0.6) or conj == "although":
        return [tok(conj, cpos)] + sub + [tok(",", "PUNCT")] + main + end()
    return main + [tok(conj, cpos)] + sub + end()


def main_for_if():
    r = R.random()
    if r < 0.4:
        toks = clause_any(tense="fut")
        return toks
    if r < 0.7:
        toks = clause_any(tense="modal")
        return toks
    return ([tok("please", "INTJ")] if chance(0.2) else []) + imperative_vp()


def clause_any(tense=None, allow_time=True):
    """A statement: a copula clause or a clause with a lexical verb."""
    if chance(0.3):
        kind = pick(["person", "person", "thing", "place", "event", "weather"])
        if kind == "weather":
            subj, agr = [tok("it", "PRON")], Agr(3, "sg", "it")
        else:
            subj, agr = subject_of_kind(kind)
        t = tense or pick(["pres", "past", "fut"])
        neg = chance(0.2)
        _, rest = copula_group(agr, t, neg, False, chance(0.7))
        return subj + contract(subj, rest, agr) + predicate_for_subject(kind, agr)
    return lexical_clause(tense=tense, allow_time=allow_time)


def s_complement():
    """'I think that the store is closed.', 'She said they would call.', 'I don't know where it is.'"""
    if chance(0.25):
        return s_embedded_wh()
    subj, agr = person_subject(pronoun_p=0.7)
    v = pick(SAY_THINK)
    tense = "past" if v.base in ("say", "hear") else pick(["pres", "pres", "past"])
    neg = v.base in ("think", "know", "believe", "remember", "understand") and chance(0.25)
    _, group = verb_group(agr, tense, v, neg)
    group = contract(subj, group, agr)
    toks = subj + group
    if chance(0.55):
        toks.append(tok("that", "SCONJ"))
    inner = clause_any(tense=pick(["pres", "past", "fut", "modal"]) if tense != "past" else pick(["past", "modal"]))
    return toks + inner + end()


def s_embedded_wh():
    subj, agr = person_subject(pronoun_p=0.85)
    if chance(0.5):
        _, group = verb_group(agr, "pres", V("know knew known"), True)
        lead = subj + contract(subj, group, agr)
        mark = end()
    else:
        lead = [aux(pick(["Do", "Can"]))]
        if lead[0][0] == "Do":
            lead += [tok("you", "PRON"), tok("know", "VERB")]
        else:
            lead += [tok("you", "PRON"), tok("tell", "VERB"), tok("me", "PRON", "I")]
        mark = end("?")
    w = pick(["where", "when", "what time", "why", "how", "what", "who", "if", "whether"])
    if w == "where":
        inner = [tok("where", "ADV")] + place_np(city_p=0) + [aux("is")]
    elif w == "what time":
        n = pick(nouns_of("EVENT", "TRANSPORT"))
        v = V(pick(WHEN_VERBS[class_of(n, ["EVENT", "TRANSPORT"])]))
        inner = [tok("what", "DET"), tok("time", "NOUN"), tok("the", "DET")] + n.tokens(False) + [v.form("s")]
    elif w in ("what", "who"):
        s2, a2 = person_subject(pronoun_p=0.8)
        verb, classes = pick([x for x in TRANSITIVE if ("PERSON" in x[1]) == (w == "who")])
        _, rest = verb_group(a2, pick(["past", "pres", "modal"]), verb, False)
        inner = [tok(w, "PRON")] + s2 + rest
    elif w in ("if", "whether"):
        c = clause_any()
        inner = [tok(w, "SCONJ")] + c
    else:
        c = clause_any(tense=pick(["past", "pres", "fut"]))
        inner = [tok(w, "ADV")] + c
    return lead + inner + mark


RELATIVE_HEAD_KIND = [("FOOD", "food"), ("DRINK", "food"), ("PLACE", "place"), ("READABLE", "event"),
                      ("WATCHABLE", "event"), ("THING", "thing"), ("BIG", "thing")]


def s_relative():
    """'The book that I bought yesterday is great.', 'I met a man who lives in Paris.'"""
    if chance(0.5):
        # the head is the relative verb's object: 'The cake that Anna made was delicious.'
        heads = [c for c, _ in RELATIVE_HEAD_KIND]
        verb, classes = pick([x for x in TRANSITIVE if any(c in x[1] for c in heads)])
        head_n = pick(nouns_of(*[c for c in classes if c in heads]))
        kind = next(k for c, k in RELATIVE_HEAD_KIND if c in head_n.classes and c in classes)
        plural = not head_n.mass and chance(0.3)
        head = [tok("the", "DET")] + head_n.tokens(plural)
        rel = [tok(pick(["that", "that", "which"]), "PRON")] if chance(0.8) else []
        s2, a2 = person_subject(pronoun_p=0.7)
        _, rest = verb_group(a2, pick(["past", "past", "perf"]), verb, False)
        agr = Agr(3, "pl" if plural else "sg")
        _, be = copula_group(agr, pick(["pres", "past"]), chance(0.15), False, True)
        return head + rel + s2 + rest + be + predicate_for_subject(kind, agr) + end()
    # the head is the relative verb's subject: 'I know a woman who works at the hospital.'
    subj, agr = person_subject(pronoun_p=0.8)
    v = pick([V("know knew known"), V("meet met met"), V("see saw seen"), V("call"), HAVE])
    _, group = verb_group(agr, pick(["pres", "past"]), v, False)
    head_n = pick(nouns_of("PERSON"))
    rel_word = pick(["who", "who", "that"])
    if chance(0.6):
        inner = [tok(rel_word, "PRON"), V(pick(["live", "work"])).form(pick(["s", "past"]))] + location_pp()
    else:
        verb2, classes = pick(TRANSITIVE)
        inner = [tok(rel_word, "PRON"), verb2.form(pick(["s", "past"]))] + object_np(classes)
    return subj + contract(subj, group, agr) + [tok(article_for(head_n.sg), "DET")] + head_n.tokens(False) + inner + end()


def s_coordination():
    r = R.random()
    if r < 0.4:
        # two clauses: 'I called him, but he didn't answer.'
        a = lexical_clause(allow_time=chance(0.5))
        b = clause_any()
        c = pick(["and", "but", "but", "or"])
        return a + ([tok(",", "PUNCT")] if chance(0.6) else []) + [tok(c, "CCONJ")] + b + end()
    if r < 0.7:
        # shared subject: 'She went to the store and bought some milk.'
        subj, agr = person_subject()
        tense = pick(["past", "past", "pres", "fut"])
        if tense == "fut":
            v1, c1 = pick(TRANSITIVE)
            v2, c2 = pick(TRANSITIVE)
            return subj + [aux("will"), v1.form("base")] + object_np(c1) + [tok("and", "CCONJ"), v2.form("base")] + \
                object_np(c2) + end()
        kind = "past" if tense == "past" else ("s" if agr.third_sg else "base")
        m = pick(MOTION)
        dest = [tok("to", "ADP")] + place_np()
        v2, c2 = pick(TRANSITIVE)
        return subj + [m.form(kind)] + dest + [tok(pick(["and", "and", "but"]), "CCONJ"), v2.form(kind)] + \
            object_np(c2) + end()
    # coordinated objects: 'We bought bread, milk and eggs.'
    subj, agr = person_subject()
    verb, classes = pick([x for x in TRANSITIVE if "FOOD" in x[1] or "THING" in x[1]])
    items = []
    k = pick([2, 2, 3])
    for i in range(k):
        if i:
            items += [tok("," if i < k - 1 else pick(["and", "or"]), "PUNCT" if i < k - 1 else "CCONJ")]
        items += np_of([c for c in classes if c in ("FOOD", "THING", "DRINK")], allow_poss=False)[0]
    _, group = verb_group(agr, pick(["past", "pres", "fut", "modal"]), verb, chance(0.1))
    return subj + contract(subj, group, agr) + items + end()


def s_chat():
    """Short chat turns: greetings, thanks, reactions, small talk."""
    name = [tok(pick(FIRST_NAMES), "PROPN")]
    r = R.randint(0, 29)
    if r == 0:
        return [tok(pick(["Hi", "Hello", "Hey"]), "INTJ")] + (name if chance(0.6) else []) + end(pick(["!", "."]))
    if r == 1:
        return [tok(pick(["Hi", "Hey"]), "INTJ")] + name + [tok(",", "PUNCT"), tok("how", "ADV"), aux("are"),
                                                            tok("you", "PRON")] + end("?")
    if r == 2:
        what = np_of(["ABSTRACT", "THING", "FOOD", "DISCUSSABLE"], definite=True, adj_p=0.2)[0]
        return [tok("Thanks", "NOUN", "thanks"), tok("for", "ADP")] + what + end(pick(["!", "."]))
    if r == 3:
        rest = pick([[tok("so", "ADV"), tok("much", "ADV")], []] +
                    [[tok("for", "ADP"), tok("the", "DET"), tok(w, "NOUN")]
                     for w in ["help", "gift", "call", "advice", "invitation", "ride"]])
        return [tok("Thank", "VERB", "thank"), tok("you", "PRON")] + rest + end("!")
    if r == 4:
        when = pick([[tok("tomorrow", "NOUN")], [tok("later", "ADV")], [tok("soon", "ADV")],
                     [tok("on", "ADP"), tok(pick(DAYS), "PROPN")], [tok("at", "ADP")] + clock_time()])
        return [tok("See", "VERB", "see"), tok("you", "PRON")] + when + end("!")
    if r == 5:
        return [tok("Sounds", "VERB", "sound"), tok(pick(["good", "great", "perfect", "fun", "nice"]), "ADJ")] + end(pick(["!", "."]))
    if r == 6:
        return [tok("No", "DET", "no"), pick([tok("problem", "NOUN"), tok("worries", "NOUN", "worry")])] + end(pick(["!", "."]))
    if r == 7:
        return [tok("Good", "ADJ"), tok(pick(["morning", "night", "evening", "luck", "job"]), "NOUN")] + (
            [tok(",", "PUNCT")] + name if chance(0.4) else []) + end("!")
    if r == 8:
        return [tok("Sorry", "ADJ"), tok(",", "PUNCT")] + clause_any(tense="pres") + end()
    if r == 9:
        rest = pick([[tok("sure", "ADJ")], [tok("see", "VERB"), tok("you", "PRON"), tok("then", "ADV")],
                     [tok("no", "DET"), tok("problem", "NOUN")],
                     [tok("I", "PRON"), aux("will"), aux("be"), tok("there", "ADV")]])
        return [tok(pick(["Ok", "OK", "Okay"]), "INTJ"), tok(",", "PUNCT")] + rest + end(pick([".", "!"]))
    if r == 10:
        rest = pick([[tok("Yes", "INTJ"), tok(",", "PUNCT"), tok("please", "INTJ")],
                     [tok("No", "INTJ"), tok(",", "PUNCT"), tok("thanks", "NOUN")],
                     [tok(pick(["Yes", "No"]), "INTJ"), tok(",", "PUNCT"), tok("I", "PRON"), aux(pick(["do", "did", "can"]))]
                     + ([tok("n't", "PART", "not")] if chance(0.5) else []),
                     [tok("Yes", "INTJ"), tok(",", "PUNCT"), tok("of", "ADP"), tok("course", "NOUN")]])
        return rest + end()
    if r == 11:
        return [tok("Me", "PRON", "I"), tok("too", "ADV")] + end(pick(["!", "."]))
    if r == 12:
        return [tok("Of", "ADP"), tok("course", "NOUN")] + end("!")
    if r == 13:
        return [tok("Happy", "ADJ"), tok("birthday", "NOUN")] + ([tok(",", "PUNCT")] + name if chance(0.7) else []) + end("!")
    if r == 14:
        ev = np_of(["EVENT"], definite=True, adj_p=0)[0]
        return [tok("Good", "ADJ"), tok("luck", "NOUN"), tok("with", "ADP")] + ev + end("!")
    if r == 15:
        return [tok("Have", "VERB", "have"), tok("a", "DET"), tok(pick(["nice", "good", "great", "safe"]), "ADJ"),
                tok(pick(["day", "weekend", "trip", "evening", "flight"]), "NOUN")] + end("!")
    if r == 16:
        be = aux("is") if chance(0.5) else tok("'s", "AUX", "be")
        degree = [tok(pick(["so", "really", "very"]), "ADV")] if chance(0.5) else []
        return [tok(pick(["Wow", "Oh"]), "INTJ"), tok(",", "PUNCT"), tok("that", "PRON"), be] + degree + \
            [tok(pick(["great", "cool", "funny", "sad", "strange", "amazing"]), "ADJ")] + end("!")
    if r == 17:
        return [tok("Oh", "INTJ"), tok("no", "INTJ")] + end("!")
    if r == 18:
        smiley = [tok(":)", "SYM")] if chance(0.5) else []
        return [tok("lol", "INTJ"), tok(",", "PUNCT"), tok("that", "PRON"), tok("'s", "AUX", "be"), tok("so", "ADV"),
                tok(pick(["funny", "true", "cute"]), "ADJ")] + smiley + ([] if smiley and chance(0.5) else end("!"))
    if r == 19:
        return [tok("That", "PRON"), aux(pick(["is", "was"])), tok("a", "DET"),
                tok(pick(["great", "good", "nice", "funny", "strange", "bad"]), "ADJ"),
                tok(pick(["idea", "story", "movie", "day", "game", "question"]), "NOUN")] + end("!")
    if r == 20:
        what = pick([[tok("rain", "NOUN")],
                     [tok("a", "DET"), tok(pick(["good", "great", "bad", "fun"]), "ADJ"), tok(pick(["idea", "plan", "day", "party"]), "NOUN")]])
        verb = pick(["looks", "sounds", "seems"])
        return [tok("It", "PRON"), tok(verb, "VERB", verb[:-1]), tok("like", "ADP")] + what + end()
    if r == 21:
        return [tok("I", "PRON"), aux(pick(["do", "did"])), tok("n't", "PART", "not"),
                tok(pick(["know", "understand", "remember", "care", "mind"]), "VERB")] + end(pick([".", "!"]))
    if r == 22:
        return [tok("I", "PRON"), tok("'m", "AUX", "be"), tok("on", "ADP"), tok("my", "PRON"), tok("way", "NOUN")] + end(pick(["!", "."]))
    if r == 23:
        when = pick([[tok("later", "ADV")], [tok("tomorrow", "NOUN")], [tok("please", "INTJ")], []])
        return [tok("Can", "AUX", "can"), tok("you", "PRON"), tok(pick(["call", "text", "help"]), "VERB"),
                tok("me", "PRON", "I")] + when + end("?")
    if r == 24:
        how = pick([tok("free", "ADJ"), tok("busy", "ADJ"), tok("around", "ADV"), tok("home", "ADV")])
        return [tok("Are", "AUX", "be"), tok("you", "PRON"), how, tok(pick(["tonight", "tomorrow", "today"]), "NOUN")] + end("?")
    if r == 25:
        return [tok("Well", "INTJ"), tok(",", "PUNCT")] + clause_any() + end()
    if r == 26:
        return [tok("I", "PRON"), tok("like", "VERB"), tok("your", "PRON"),
                tok(pick(["idea", "plan", "shirt", "hat", "jacket", "car", "song", "photo"]), "NOUN")] + end("!")
    if r == 27:
        return [tok("Just", "ADV"), tok("a", "DET"), tok(pick(["minute", "moment", "second"]), "NOUN")] + end(pick(["!", "."]))
    if r == 28:
        what = name if chance(0.4) else np_of(["EVENT", "MEAL", "DRINK"], definite=True)[0]
        return [tok("What", "PRON"), tok("about", "ADP")] + what + end("?")
    # a foreign word in English text is X
    return [tok("He", "PRON", "he"), tok("just", "ADV"), tok("said", "VERB", "say"), tok('"', "PUNCT"),
            tok(pick(["merci", "gracias", "danke", "arigato", "grazie", "obrigado"]), "X"), tok('"', "PUNCT"),
            tok("and", "CCONJ"), tok("left", "VERB", "leave")] + end()


NEWS_EVENTS = "meeting concert match festival conference game show race wedding election".split()


def plural_noun(sg):
    n = _by_form.get(sg)
    return tok(n.pl if n and n.pl else _plural(sg), "NOUN", sg)


def s_news():
    """News-like statements: organisations, officials, numbers, places and dates."""
    r = R.random()
    actor, agr = news_actor()
    if r < 0.3:
        # 'The council approved a new budget on Monday.'
        verb, classes = pick(NEWS_TRANSITIVE)
        n = pick(nouns_of(*classes))
        body = ([tok(pick(ADJ_NEWS), "ADJ")] if chance(0.5) else []) + n.tokens(False)
        det = pick([tok(article_for(body[0][0]), "DET"), tok("the", "DET"), tok("its", "PRON"), tok("the", "DET")])
        tense = pick(["past", "past", "perf", "fut"])
        _, group = verb_group(agr, tense, verb, chance(0.1))
        return actor + group + [det] + body + news_when(tense) + end()
    if r < 0.45:
        # 'Prices rose 5% in March.'
        what = pick([["price"], ["sale"], ["rent"], ["fuel", "price"], ["ticket", "price"], ["profit"], ["export"]])
        subj = [tok(w, "NOUN") for w in what[:-1]] + [plural_noun(what[-1])]
        v = pick([V("rise rose risen"), V("fall fell fallen"), V("increase"), V("drop dropped dropped")])
        amount = [tok(str(pick([2, 3, 4, 5, 7, 10, 12, 15])), "NUM")]
        amount += [tok("%", "SYM")] if chance(0.6) else [tok("percent", "NOUN")]
        by = [tok("by", "ADP")] if chance(0.3) else []
        return subj + [v.form("past")] + by + amount + news_when("past") + end()
    if r < 0.6:
        # 'The minister said that the government would cut taxes next year.'
        _, group = verb_group(agr, "past", pick([V("say said said"), V("announce"), V("confirm")]), False)
        inner, _ = news_actor()
        inner[0] = (inner[0][0].lower() if inner[0][1] != "PROPN" else inner[0][0],) + inner[0][1:]
        v = pick([V("cut cut cut cutting"), V("raise"), V("increase"), V("reduce")])
        obj = [plural_noun(pick(["tax", "price", "cost", "fee", "wage"]))]
        that = [tok("that", "SCONJ")] if chance(0.6) else []
        return actor + group + that + inner + [aux("would"), v.form("base")] + obj + news_when("fut") + end()
    if r < 0.72:
        if chance(0.5):
            # 'Police arrested two men in Chicago on Friday.'
            who = pick([[tok("two", "NUM"), plural_noun("man")], [tok("three", "NUM"), tok("people", "NOUN", "person")],
                        [tok("a", "DET"), tok("driver", "NOUN")], [tok("a", "DET"), tok("man", "NOUN")],
                        [tok("a", "DET"), tok("woman", "NOUN")], [tok("five", "NUM"), plural_noun("protester")],
                        [tok("20", "NUM"), tok("people", "NOUN", "person")]])
            v = V(pick(["arrest", "question", "stop stopped stopped stopping", "find found found"]))
            return [tok("Police", "NOUN", "police"), v.form("past")] + who + [tok("in", "ADP"), tok(pick(CITIES), "PROPN")] + \
                news_when("past") + end()
        # 'The storm hit the coast on Tuesday.'
        ev = pick(["storm", "fire", "flood", "strike"])
        verb = pick([V("hit hit hit hitting"), V("close"), V("affect"), V("damage")])
        place = [tok("the", "DET"), tok(pick(["coast", "city", "airport", "bridge", "village", "border", "market"]), "NOUN")]
        if chance(0.4):
            place = [tok(pick(CITIES), "PROPN")]
        return [tok("The", "DET"), tok(ev, "NOUN"), verb.form("past")] + place + news_when("past") + end()
    if r < 0.82:
        # 'About 200 people attended the meeting.'  ('about' before a number is ADV)
        n = pick(["50", "100", "200", "300", "500", "1,000", "2,000", "40"])
        approx = pick([[tok("About", "ADV", "about")], [tok("More", "ADJ", "more"), tok("than", "ADP")], [tok("Almost", "ADV")], []])
        who = pick([tok("people", "NOUN", "person")] + [plural_noun(w) for w in ["fan", "resident", "student", "worker", "visitor"]])
        v = pick([V("attend"), V("join"), V("watch"), V("visit")])
        if v.base == "visit":
            obj = [tok("the", "DET")] + pick(nouns_of("PLACE")).tokens(False)
        else:
            obj = [tok("the", "DET"), tok(pick(NEWS_EVENTS), "NOUN")]
        return approx + [tok(n, "NUM"), who, v.form("past")] + obj + news_when("past") + end()
    if r < 0.9:
        # 'The company plans to open a new office in Berlin.'
        v = V(pick(["plan planned planned planning", "hope", "want", "expect"]))
        _, group = verb_group(agr, pick(["pres", "past"]), v, False)
        inner = pick([
            [tok("open", "VERB"), tok("a", "DET"), tok("new", "ADJ"),
             tok(pick(["office", "store", "hospital", "school", "station"]), "NOUN"), tok("in", "ADP"), tok(pick(CITIES), "PROPN")],
            [tok("hire", "VERB"), tok(pick(["50", "100", "200", "500"]), "NUM"),
             plural_noun(pick(["worker", "nurse", "teacher", "engineer"]))],
            [tok("build", "VERB"), tok("a", "DET"), tok(pick(["bridge", "park", "stadium", "library"]), "NOUN")],
        ])
        return actor + group + [tok("to", "PART")] + inner + news_when("fut") + end()
    if chance(0.5):
        # 'The price of oil rose to $80.'
        v = pick([V("rise rose risen"), V("fall fell fallen")])
        return [tok("The", "DET"), tok("price", "NOUN"), tok("of", "ADP"), tok(pick(["oil", "gold", "bread", "coffee", "gas"]), "NOUN"),
                v.form("past"), tok("to", "ADP"), tok("$", "SYM"),
                tok(pick(["3", "12", "45", "80", "95", "120"]), "NUM")] + news_when("past") + end()
    # 'The new bridge will open in June.'
    place = pick(["bridge", "museum", "library", "station", "stadium", "airport", "hospital"])
    return [tok("The", "DET"), tok("new", "ADJ"), tok(place, "NOUN"), aux("will"), tok("open", "VERB"),
            tok("in", "ADP"), tok(pick(MONTHS), "PROPN")] + end()


def news_actor():
    r = R.random()
    if r < 0.35:
        n = pick(nouns_of("NEWSACTOR"))
        return [tok("The", "DET")] + ([tok(pick(ADJ_NEWS), "ADJ")] if chance(0.2) else []) + n.tokens(False), Agr(3, "sg")
    if r < 0.6:
        n = pick(nouns_of("NEWSPERSON"))
        if chance(0.4):
            return [tok("The", "DET")] + n.tokens(False), Agr(3, "sg")
        return [pick([tok("Local", "ADJ"), tok("Many", "ADJ"), tok("Some", "DET")])] + n.tokens(True), Agr(3, "pl")
    if r < 0.8:
        return [tok(w, "PROPN") for w in pick(ORG_NAMES).split()], Agr(3, "sg")
    return [tok("The", "DET"), tok("city", "NOUN"), tok("of", "ADP"), tok(pick(CITIES), "PROPN")], Agr(3, "sg")


def news_when(tense):
    r = R.random()
    if r < 0.35:
        return [tok("on", "ADP"), tok(pick(DAYS), "PROPN")]
    if r < 0.55:
        return [tok("in", "ADP"), tok(pick(MONTHS), "PROPN")] if tense != "fut" else [tok("next", "ADJ"), tok("year", "NOUN")]
    if r < 0.65:
        return [tok("on", "ADP"), tok(pick(MONTHS), "PROPN"), tok(str(R.randint(1, 28)), "NUM")]
    if r < 0.75:
        return [tok("last", "ADJ"), tok(pick(["week", "month", "year"]), "NOUN")] if tense != "fut" else [tok("in", "ADP"), tok(str(R.randint(2026, 2030)), "NUM")]
    return []


# Sentences that put words of several parts of speech in contrasting contexts, so the sample
# teaches the difference: book NOUN/VERB, run, like VERB/ADP, that, this, to PART/ADP, 's, ...
# Each token is FORM/UPOS or FORM/UPOS/LEMMA; "a|b" picks one form, a leading "?" makes the
# token optional, and {NAME} {CITY} {DAY} {CLOCK} {MONTH} fill in a proper noun or a time.
CONTRAST_TEMPLATES = """
I/PRON read|finished/VERB a/DET ?good/ADJ book/NOUN last/ADJ night|week/NOUN ./PUNCT
Can/AUX you/PRON book/VERB a/DET table/NOUN for/ADP two|four|six/NUM ?/PUNCT
We/PRON booked/VERB/book a/DET room/NOUN in/ADP {CITY} ./PUNCT
{NAME} left/VERB/leave her|his|my/PRON book/NOUN on/ADP the/DET train|bus/NOUN ./PUNCT
The/DET book/NOUN is/AUX/be on/ADP the/DET table|shelf|sofa/NOUN ./PUNCT
I/PRON need/VERB to/PART book/VERB a/DET flight/NOUN to/ADP {CITY} ./PUNCT
Is/AUX/be this/DET your/PRON book/NOUN ?/PUNCT
Did/AUX/do you/PRON book/VERB the/DET tickets/NOUN/ticket ?/PUNCT
I/PRON go|went/VERB/go for/ADP a/DET run/NOUN every/DET morning|evening/NOUN ./PUNCT
The/DET run/NOUN was/AUX/be long|hard|great/ADJ ./PUNCT
They/PRON run/VERB a/DET small/ADJ cafe|shop|hotel|bakery/NOUN in/ADP {CITY} ./PUNCT
We/PRON ran/VERB/run to/ADP the/DET station|bus/NOUN ./PUNCT
{NAME} runs/VERB/run every/DET day|morning/NOUN ./PUNCT
How/ADV was/AUX/be your/PRON run|walk/NOUN ?/PUNCT
I/PRON ?really/ADV like/VERB this/DET song|city|place|cafe/NOUN ./PUNCT
It/PRON looks/VERB/look like/ADP rain/NOUN ./PUNCT
She/PRON sings/VERB/sing like/ADP a/DET bird/NOUN ./PUNCT
I/PRON love/VERB cities/NOUN/city like/ADP {CITY} ./PUNCT
You/PRON look|sound/VERB like/ADP your/PRON mother|father|sister|brother/NOUN ./PUNCT
Do/AUX/do you/PRON like/VERB coffee|tea|pizza|chocolate|music/NOUN ?/PUNCT
What/PRON does/AUX/do {NAME} like/VERB ?/PUNCT
That/PRON is|was/AUX/be a/DET good|great|nice/ADJ idea/NOUN ./PUNCT
I/PRON know/VERB that/SCONJ you/PRON are/AUX/be busy|tired/ADJ ./PUNCT
That/DET car|bag|dog|house|bike/NOUN is/AUX/be mine/PRON/my ./PUNCT
The/DET movie|game/NOUN that/PRON we/PRON watched/VERB/watch was/AUX/be great|boring/ADJ ./PUNCT
Is/AUX/be that/PRON your/PRON phone|bag|car/NOUN ?/PUNCT
This/PRON is/AUX/be my/PRON sister|brother|friend|colleague/NOUN {NAME} ./PUNCT
Is/AUX/be this/DET seat/NOUN free/ADJ ?/PUNCT
This/PRON was/AUX/be fun|great|amazing/ADJ !/PUNCT
I/PRON want/VERB to/PART go/VERB to/ADP the/DET beach|park|gym|market/NOUN ./PUNCT
Give/VERB it/PRON to/ADP me/PRON/I ./PUNCT
We/PRON talked/VERB/talk to/ADP {NAME} about/ADP the/DET trip|party|plan/NOUN ./PUNCT
Listen/VERB to/ADP this/DET song/NOUN !/PUNCT
I/PRON have/VERB to/PART go|leave|work/VERB now/ADV ./PUNCT
I/PRON am/AUX/be going/VERB/go to/PART call|visit/VERB {NAME} ./PUNCT
The/DET store|bank|library/NOUN is/AUX/be open/ADJ from/ADP 9/NUM to/ADP 5|6/NUM ./PUNCT
I/PRON 'll/AUX/will be/AUX there/ADV at/ADP {CLOCK} ./PUNCT
Put/VERB it/PRON there|here/ADV ./PUNCT
There/PRON are/VERB/be two/NUM cafes/NOUN/cafe there/ADV ./PUNCT
Were/AUX/be you/PRON there/ADV yesterday/NOUN ?/PUNCT
I/PRON 'm/AUX/be going/VERB/go home/ADV ./PUNCT
Are/AUX/be you/PRON at/ADP home/NOUN ?/PUNCT
My/PRON home/NOUN is/AUX/be near/ADP the/DET river|lake|park/NOUN ./PUNCT
I/PRON lost/VERB/lose my/PRON watch/NOUN ./PUNCT
Let/VERB 's/PRON/we watch/VERB a/DET movie/NOUN tonight/NOUN ./PUNCT
Your/PRON order/NOUN is/AUX/be ready/ADJ ./PUNCT
Can/AUX I/PRON order/VERB a/DET pizza|salad|sandwich/NOUN ?/PUNCT
Thanks/NOUN/thanks for/ADP the/DET call/NOUN !/PUNCT
I/PRON got/VERB/get a/DET call/NOUN from/ADP {NAME} ./PUNCT
Call/VERB me/PRON/I when/ADV you/PRON get/VERB home/ADV ./PUNCT
I/PRON 'm/AUX/be still/ADV at/ADP work/NOUN ./PUNCT
She/PRON works/VERB/work at/ADP the/DET hospital|bank|library/NOUN ./PUNCT
Does/AUX/do the/DET printer|heater|radio/NOUN work/VERB ?/PUNCT
Thanks/NOUN/thanks for/ADP your/PRON help/NOUN ./PUNCT
Can/AUX you/PRON help/VERB me/PRON/I ?/PUNCT
I/PRON need/VERB help/NOUN with/ADP my/PRON homework/NOUN ./PUNCT
I/PRON got/VERB/get your/PRON text|message|email/NOUN ./PUNCT
Text/VERB me/PRON/I later/ADV ./PUNCT
The/DET train/NOUN is/AUX/be late/ADJ again/ADV ./PUNCT
We/PRON train/VERB every/DET day/NOUN ./PUNCT
Let/VERB 's/PRON/we meet/VERB in/ADP the/DET park/NOUN ./PUNCT
You/PRON can/AUX park/VERB here/ADV ./PUNCT
Turn/VERB off/ADP the/DET light/NOUN ,/PUNCT please/INTJ ./PUNCT
This/DET bag/NOUN is/AUX/be very/ADV light/ADJ ./PUNCT
We/PRON saw/VERB/see a/DET play/NOUN on/ADP {DAY} ./PUNCT
The/DET kids/NOUN/kid play/VERB in/ADP the/DET garden/NOUN ./PUNCT
We/PRON stayed/VERB/stay home/ADV because/ADP of/ADP the/DET rain|snow|storm/NOUN ./PUNCT
I/PRON was/AUX/be tired/ADJ ,/PUNCT so/ADV I/PRON went/VERB/go to/ADP bed/NOUN ./PUNCT
She/PRON speaks/VERB/speak English|Spanish|French/PROPN very/ADV well/ADV ./PUNCT
Well/INTJ ,/PUNCT I/PRON do/AUX n't/PART/not know/VERB ./PUNCT
There/PRON is/VERB/be no/DET milk|coffee|bread/NOUN ./PUNCT
No/INTJ ,/PUNCT it/PRON 's/AUX/be fine/ADJ ./PUNCT
I/PRON have/VERB one/NUM question/NOUN ./PUNCT
It/PRON takes/VERB/take about/ADV 20|30|45/NUM minutes/NOUN/minute ./PUNCT
What/PRON is/AUX/be the/DET movie|book|song/NOUN about/ADP ?/PUNCT
I/PRON 'll/AUX/will be/AUX back/ADV in/ADP an/DET hour/NOUN ./PUNCT
My/PRON back/NOUN hurts/VERB/hurt ./PUNCT
Hurry/VERB up/ADP !/PUNCT
Wash/VERB your/PRON hands/NOUN/hand before/ADP dinner|lunch/NOUN ./PUNCT
Call/VERB me/PRON/I before/SCONJ you/PRON leave/VERB ./PUNCT
It/PRON 's/AUX/be {NAME} 's/PART birthday/NOUN today|tomorrow/NOUN ./PUNCT
What/PRON 's/AUX/be your/PRON name/NOUN ?/PUNCT
It/PRON costs/VERB/cost $/SYM 5|10|20|35/NUM ./PUNCT
The/DET tickets/NOUN/ticket cost/VERB $/SYM 12|15|40/NUM ./PUNCT
See/VERB you/PRON soon|later/ADV :)/SYM
I/PRON need/VERB 2|3|4/NUM tickets/NOUN/ticket for/ADP {DAY} ./PUNCT
The/DET meeting/NOUN starts/VERB/start at/ADP {CLOCK} on/ADP {DAY} ./PUNCT
{NAME} was/AUX/be born/VERB/bear in/ADP {CITY} in/ADP 1990|1985|2001/NUM ./PUNCT
I/PRON miss/VERB you/PRON :(/SYM
Can/AUX I/PRON borrow/VERB your/PRON book/NOUN ?/PUNCT
This/DET book/NOUN is/AUX/be really/ADV good|long|funny/ADJ ./PUNCT
He/PRON runs/VERB/run like/ADP the/DET wind/NOUN ./PUNCT
That/PRON was/AUX/be a/DET long|good/ADJ run/NOUN ./PUNCT
We/PRON had/VERB/have the/DET soupe|plat/X du/X jour/X ./PUNCT
"""


def _template_token(spec):
    if spec.startswith("{"):
        slot = spec.strip("{}")
        if slot == "NAME":
            return [tok(pick(FIRST_NAMES), "PROPN")]
        if slot == "CITY":
            return [tok(pick(CITIES), "PROPN")]
        if slot == "DAY":
            return [tok(pick(DAYS), "PROPN")]
        if slot == "MONTH":
            return [tok(pick(MONTHS), "PROPN")]
        if slot == "CLOCK":
            return clock_time()
        raise ValueError(spec)
    if spec.startswith("?") and not spec.startswith("?/"):
        if chance(0.5):
            return []
        spec = spec[1:]
    parts = spec.split("/")
    if len(parts) not in (2, 3):
        raise ValueError(spec)
    form = pick(parts[0].split("|"))
    lemma = parts[2] if len(parts) == 3 else None
    return [tok(form, parts[1], lemma)]


CONTRAST_DECK = []


def s_contrast():
    """Deals the templates like cards, so every contrast appears before any comes twice."""
    if not CONTRAST_DECK:
        CONTRAST_DECK.extend(CONTRAST_TEMPLATES.strip().split("\n"))
        R.shuffle(CONTRAST_DECK)
    line = CONTRAST_DECK.pop()
    out = []
    for spec in line.split():
        out += _template_token(spec)
    return out


SENTENCE_TYPES = [
    (s_declarative, 20), (s_copula, 9), (s_existential, 4), (s_yes_no_question, 9), (s_wh_question, 10),
    (s_imperative, 8), (s_subordinate, 9), (s_complement, 7), (s_relative, 4), (s_coordination, 5),
    (s_chat, 8), (s_news, 9), (s_contrast, 22),
]
CHAT_TYPES = [
    (s_declarative, 20), (s_copula, 8), (s_yes_no_question, 12), (s_wh_question, 12), (s_imperative, 10),
    (s_subordinate, 6), (s_complement, 5), (s_chat, 20), (s_existential, 2), (s_coordination, 3),
    (s_contrast, 12),
]


# ---------------------------------------------------------------------------------------------
# Clean-up, capitalisation, text, output
# ---------------------------------------------------------------------------------------------

def normalise(tokens):
    """Fixes that depend on neighbours: a/an before the next word, lemma defaults, capitals."""
    out = []
    for f, u, l in tokens:
        if l is None:
            l = f if u == "PROPN" else f.lower()
        out.append((f, u, l))
    out = fix_pron_lemma(out)
    for i in range(len(out) - 1):
        f, u, l = out[i]
        if u == "DET" and f.lower() in ("a", "an"):
            want = article_for(out[i + 1][0])
            if out[i + 1][1] in ("NOUN", "ADJ", "ADV", "NUM", "PROPN") and f.lower() != want:
                out[i] = (want if f.islower() else want.capitalize(), "DET", want)
    f, u, l = out[0]
    if f[0].islower() and f not in ("lol",):
        out[0] = (f[0].upper() + f[1:], u, l)
    for i in range(1, len(out)):
        # a capitalised word from a rule written for the start of a sentence ('The', 'Do') that
        # ended up inside one; 'TV', 'OK' and names keep their capitals
        f, u, l = out[i]
        if f[0].isupper() and f[1:].islower() and u != "PROPN":
            out[i] = (f[0].lower() + f[1:], u, l)
    return out


NO_SPACE_BEFORE = {",", ".", "?", "!", ":", ";", "%", "n't", "'s", "'m", "'re", "'ve", "'ll", "'d"}
NO_SPACE_AFTER = {"$"}


def space_after(tokens):
    flags = []
    quote_open = False
    for i, (f, _, _) in enumerate(tokens):
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
        if f == '"':
            quote_open = not quote_open
            if quote_open:
                flags.append(False)
                continue
        if nxt is None:
            flags.append(False)
        elif f in NO_SPACE_AFTER or nxt in NO_SPACE_BEFORE or (nxt == '"' and quote_open):
            flags.append(False)
        else:
            flags.append(True)
    return flags


def text_of(tokens):
    flags = space_after(tokens)
    return "".join(f + (" " if s else "") for (f, _, _), s in zip(tokens, flags))


def check(tokens):
    for f, u, l in tokens:
        if u not in UPOS:
            raise ValueError("bad tag %r for %r in %s" % (u, f, " ".join(x[0] for x in tokens)))
        if not f or " " in f or "\t" in f:
            raise ValueError("bad form %r in %s" % (f, " ".join(x[0] for x in tokens)))


def generate(n, types, exclude=frozenset(), max_len=24):
    fns = [f for f, w in types for _ in range(w)]
    seen = set(exclude)
    out = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > n * 200:
            sys.exit("the grammar gave only %d distinct sentences of %d" % (len(out), n))
        s = normalise(pick(fns)())
        check(s)
        if len(s) > max_len:
            continue
        key = tuple(f.lower() for f, _, _ in s)
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def conllu(sentences, prefix):
    lines = []
    for i, s in enumerate(sentences, 1):
        lines.append("# sent_id = %s-%03d" % (prefix, i))
        lines.append("# text = %s" % text_of(s))
        flags = space_after(s)
        for j, ((f, u, l), sp) in enumerate(zip(s, flags), 1):
            misc = "_" if sp or j == len(s) else "SpaceAfter=No"
            lines.append("\t".join([str(j), f, l, u, "_", "_", "_", "_", "_", misc]))
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "src", "main", "resources", "demo")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=default_out, help="folder for the three files (default: %(default)s)")
    args = ap.parse_args(argv)

    R.seed(TRAIN_SEED)
    CONTRAST_DECK.clear()
    sample = generate(SAMPLE_SENTENCES, SENTENCE_TYPES)
    dev_idx = set(random.Random(TRAIN_SEED + 1).sample(range(len(sample)), DEV_SENTENCES))
    train = [s for i, s in enumerate(sample) if i not in dev_idx]
    dev = [s for i, s in enumerate(sample) if i in dev_idx]

    R.seed(CHAT_SEED)
    CHAT[0] = True
    CONTRAST_DECK.clear()
    taken = {tuple(f.lower() for f, _, _ in s) for s in sample}
    chat = generate(CHAT_SENTENCES, CHAT_TYPES, exclude=taken, max_len=16)

    os.makedirs(args.out, exist_ok=True)
    write(os.path.join(args.out, "tagged-sample.conllu"), conllu(train, "train"))
    write(os.path.join(args.out, "tagged-sample-dev.conllu"), conllu(dev, "dev"))
    write(os.path.join(args.out, "chat-streams.txt"), "".join(" ".join(f for f, _, _ in s) + "\n" for s in chat))
    tokens = sum(len(s) for s in sample)
    print("train %d, dev %d sentences (%d tokens); chat %d lines -> %s"
          % (len(train), len(dev), tokens, len(chat), os.path.normpath(args.out)))


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
