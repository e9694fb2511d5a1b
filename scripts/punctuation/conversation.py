"""Conversational turns for the punctuation model, generated from general English comma rules.

The Debian text that scripts/punctuation/train.py learns from is mostly definitions, glosses and
quotations: few people talking, so few of the commas of speech (after "well", "yes", "thanks",
around a name said to someone, before "please" at the end, between two clauses joined by "but"
or "so", in lists, before a tag question). This module writes such turns from slot lists and
rules written for Earshot (no corpus sentence is copied), and just as many that must stay
without a comma (a clause after the main one, two verbs of one subject joined by "and", "please"
at the start), so the model learns the rule and not "always a comma before and".
more_sentence() (MORE_SHARE of the sentences) adds further general rules: introductory phrases,
participial and infinitive openings, parentheticals, appositives, non-restrictive relative
clauses (and restrictive ones without commas), dates, city and state, direct speech, contrast,
series of verbs and adjectives, trailing words, short answers, and "I think" + clause,
"could you please", "so that" without a comma.

    generate(n, rng) -> list of n strings, each a turn of 1-3 punctuated, cased sentences
"""
import random

NAMES = ["John", "Sarah", "Michael", "Emma", "David", "Anna", "James", "Maria", "Tom", "Lisa",
         "Peter", "Kate", "Daniel", "Laura", "Chris", "Rachel", "Mark", "Sophie", "Paul", "Julia",
         "Alex", "Nina", "Robert", "Helen", "Steve", "Grace", "Kevin", "Olivia", "Brian", "Megan",
         "doctor", "sir", "ma'am", "mom", "dad", "guys", "everyone", "buddy"]
CAPITAL_NAMES = [n for n in NAMES if n[0].isupper()]
PLACES = ["London", "Paris", "Boston", "Chicago", "Berlin", "Denver", "Seattle", "Dublin",
          "Toronto", "Madrid", "Texas", "Ohio", "the office", "the airport", "the station",
          "the bank", "the hospital", "the store", "home", "work", "school", "the hotel"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "tomorrow", "today", "tonight", "next week", "this afternoon", "this morning",
        "the weekend", "next month", "noon"]

# (base form, past form) of verb phrases that any subject can take in the past or after a modal
ACTIONS = [
    ("call the bank", "called the bank"), ("send the invoice", "sent the invoice"),
    ("check my account", "checked my account"), ("book a table", "booked a table"),
    ("cancel the order", "cancelled the order"), ("pay the bill", "paid the bill"),
    ("reset the password", "reset the password"), ("fix the printer", "fixed the printer"),
    ("move the meeting", "moved the meeting"), ("pick up the kids", "picked up the kids"),
    ("update the address", "updated the address"), ("open the file", "opened the file"),
    ("change the date", "changed the date"), ("read your email", "read your email"),
    ("sign the contract", "signed the contract"), ("leave a message", "left a message"),
    ("find the receipt", "found the receipt"), ("lose the card", "lost the card"),
    ("get the package", "got the package"), ("buy new shoes", "bought new shoes"),
    ("miss the train", "missed the train"), ("finish the report", "finished the report"),
    ("talk to the manager", "talked to the manager"), ("wait for an hour", "waited for an hour"),
    ("try again", "tried again"), ("restart the computer", "restarted the computer"),
    ("order a pizza", "ordered a pizza"), ("clean the kitchen", "cleaned the kitchen"),
    ("forget the password", "forgot the password"), ("park the car", "parked the car"),
    ("see the doctor", "saw the doctor"), ("take the bus", "took the bus"),
    ("write it down", "wrote it down"), ("close the window", "closed the window"),
    ("drop it off", "dropped it off"), ("fill out the form", "filled out the form"),
    ("transfer the money", "transferred the money"), ("upgrade the plan", "upgraded the plan"),
    ("return the jacket", "returned the jacket"), ("check the schedule", "checked the schedule"),
    ("confirm the booking", "confirmed the booking"), ("ship the order", "shipped the order"),
    ("answer the phone", "answered the phone"), ("lock the door", "locked the door"),
    ("install the update", "installed the update"), ("print the tickets", "printed the tickets"),
    ("go to the gym", "went to the gym"), ("come back early", "came back early"),
    ("stay at home", "stayed at home"), ("work late", "worked late"),
    ("fly to " , "flew to "), ("drive to ", "drove to "), ("get to ", "got to "),
    ("send me the link", "sent me the link"), ("call you back", "called you back"),
    ("check the balance", "checked the balance"), ("look into it", "looked into it"),
    ("speak to someone", "spoke to someone"), ("make an appointment", "made an appointment"),
    ("change my flight", "changed my flight"), ("renew the subscription", "renewed the subscription"),
    ("report the problem", "reported the problem"), ("track the package", "tracked the package"),
    ("replace the battery", "replaced the battery"), ("email the team", "emailed the team"),
    ("set up the account", "set up the account"), ("log in", "logged in"),
    ("download the app", "downloaded the app"), ("pay online", "paid online"),
    ("meet the client", "met the client"), ("visit my parents", "visited my parents"),
    ("cook dinner", "cooked dinner"), ("watch the game", "watched the game"),
    ("walk the dog", "walked the dog"), ("feed the cat", "fed the cat"),
    ("sell the car", "sold the car"), ("rent an apartment", "rented an apartment"),
    ("join the call", "joined the call"), ("share the screen", "shared the screen"),
    ("review the document", "reviewed the document"), ("approve the request", "approved the request"),
    ("schedule a delivery", "scheduled a delivery"), ("charge my phone", "charged my phone"),
    ("turn off the lights", "turned off the lights"), ("hear back from them", "heard back from them"),
    ("start the project", "started the project"), ("plan the trip", "planned the trip"),
    ("apply for the job", "applied for the job"), ("ask for a refund", "asked for a refund"),
    ("get a refund", "got a refund"), ("keep the receipt", "kept the receipt"),
    ("bring the documents", "brought the documents"), ("tell my boss", "told my boss"),
    ("explain the problem", "explained the problem"), ("leave early", "left early"),
    ("run the tests", "ran the tests"), ("grab some lunch", "grabbed some lunch"),
    ("wash the dishes", "washed the dishes"), ("study for the exam", "studied for the exam"),
    ("pay the rent", "paid the rent"), ("fix the leak", "fixed the leak"),
    ("call the doctor", "called the doctor"), ("text my sister", "texted my sister"),
    ("check the weather", "checked the weather"), ("look for a new job", "looked for a new job"),
    ("cancel my membership", "cancelled my membership"), ("switch to the new plan", "switched to the new plan"),
    ("add another line", "added another line"), ("pick a date", "picked a date"),
]
STATES = ["it's too late", "the line was busy", "the store was closed", "nobody answered",
          "the price went up", "it works now", "the app keeps crashing", "the card was declined",
          "the flight is delayed", "the room is ready", "the package hasn't arrived",
          "it's raining", "the meeting ran long", "the battery died", "the link expired",
          "the screen is frozen", "the bill looks wrong", "the traffic was terrible",
          "the office is closed", "the weather is nice", "it's not working", "that's fine",
          "that sounds good", "it was cheaper", "the train was late", "I'm not sure",
          "it's a good idea", "the system is down", "the order is on its way", "I'm at home",
          "it's my first time", "the form is online", "the kids are asleep", "I'm running late",
          "the website won't load", "my account is locked", "the payment went through",
          "I got charged twice", "the delivery was late", "nobody called me back",
          "the code doesn't work", "we're almost done", "it takes about an hour",
          "the internet is really slow", "I can't hear you", "the heater is broken",
          "I don't have the number", "the appointment was cancelled", "my flight got moved",
          "the tickets are sold out", "it's on the second floor", "the baby is sick",
          "I lost my job", "we just moved", "the car won't start", "I'm still waiting",
          "that's what I thought", "I have a question", "it happens all the time",
          "there's a problem with my order", "I'm calling about my bill", "it was a mistake"]
SUBJECTS = ["I", "we", "you", "they", "he", "she", "my wife", "my husband", "the driver",
            "the technician", "my brother", "our team", "the manager", "my friend", "the agent",
            "my mother", "my dad", "my son", "my daughter", "the doctor", "the landlord",
            "the customer", "my neighbor", "the company", "your colleague", "the nurse",
            "the teacher", "the kids", "everyone", "somebody", "my boss", "the bank",
            "Sarah", "John", "Maria", "David", "the guy at the front desk", "my roommate"]
NOUNS = ["milk", "eggs", "bread", "coffee", "tea", "rice", "apples", "cheese", "butter",
         "a charger", "a pen", "the keys", "my wallet", "the tickets", "my passport", "towels",
         "a laptop", "the receipts", "chairs", "the menu", "water", "some snacks", "a jacket",
         "the forms", "my phone", "an umbrella", "the cables", "the slides", "sugar", "salt"]
OPENERS = ["well", "yes", "yeah", "no", "okay", "oh", "so", "actually", "honestly", "sure",
           "right", "alright", "sorry", "thanks", "thank you", "of course", "by the way",
           "anyway", "however", "unfortunately", "luckily", "basically", "to be honest",
           "in that case", "for example", "otherwise", "meanwhile", "first", "also", "now",
           "look", "listen", "wait", "hmm", "um", "great", "perfect", "fine", "good",
           "oh no", "oh well", "no problem", "excuse me", "hi", "hello", "hey", "besides",
           "frankly", "obviously", "seriously", "as far as I know", "in fact", "sadly",
           "if possible", "if not", "if so", "by the time", "in the meantime", "after that"]
OPENERS = [o for o in OPENERS if o != "by the time"]
REPLIES = ["yes", "no", "sure", "okay", "yeah", "thanks", "thank you", "sorry", "great",
           "perfect", "of course", "absolutely", "exactly", "right", "fine", "not really",
           "yes please", "no thanks", "got it", "hello", "hi", "goodbye", "bye", "sounds good"]
INTRO_CLAUSES = ["if you {b}", "if we {b}", "when I {p}", "when you {p}", "before we {b}",
                 "after they {p}", "as soon as you {b}", "once we {p}", "since you {p}",
                 "although I {p}", "because we {p}", "unless you {b}", "while you wait",
                 "if it's not too much trouble", "when you get a chance", "if that's okay",
                 "as I said", "when it's ready", "if you want", "before I forget",
                 "after the meeting", "in the morning", "on the other hand", "as you know",
                 "when you get to {place}", "when I got to {place}", "by the time we {p}"]
AFTER_CLAUSES = ["when I get home", "because {state}", "if you want", "before {day}",
                 "after the meeting", "until {day}", "as soon as possible", "when you can",
                 "if that's okay", "because I was busy", "while I was at {place}",
                 "so that we can {b}", "unless {state}", "since {day}", "in {place}"]
MORE_SHARE = 0.45   # share of sentences from more_sentence()
TAGS = ["right", "isn't it", "don't you", "okay", "aren't you", "didn't you", "wasn't it",
        "can't you", "won't you", "correct", "you know"]


def _cap(s):
    return s[0].upper() + s[1:] if s else s


def _action(rng):
    base, past = rng.choice(ACTIONS)
    if base.endswith(" "):
        place = rng.choice(PLACES)
        base, past = base + place, past + place
    return base, past


def _fill(template, rng):
    b, p = _action(rng)
    return template.format(b=b, p=p, place=rng.choice(PLACES), day=rng.choice(DAYS),
                           state=rng.choice(STATES))


def clause(rng):
    """An independent clause, no final mark, lower-case start unless a name or I."""
    r = rng.random()
    s = rng.choice(SUBJECTS)
    b, p = _action(rng)
    if r < 0.3:
        return f"{s} {p}"
    if r < 0.5:
        return f"{s} {rng.choice(['will', 'can', 'should', 'might', 'could', 'must'])} {b}"
    if r < 0.6:
        return f"{s} didn't {b}"
    if r < 0.7:
        return f"{rng.choice(['I', 'we', 'you', 'they'])} need to {b}"
    if r < 0.8:
        return f"{rng.choice(['I', 'we', 'they'])} {rng.choice(['want', 'have', 'forgot', 'tried', 'decided'])} to {b}"
    return rng.choice(STATES)


def question(rng):
    b, p = _action(rng)
    s = rng.choice(SUBJECTS)
    forms = [f"can you {b}", f"could you {b}", f"did you {b}", f"do you want to {b}",
             f"should I {b}", f"will {s} {b}", f"when did {s} {b}", f"where did you {b}",
             f"why didn't {s} {b}", f"how do I {b}", f"is it possible to {b}",
             f"what time does {rng.choice(['the store', 'the bank', 'the office', 'it'])} open",
             f"where {rng.choice(['is my wallet', 'are the keys', 'is the menu', 'are my glasses', 'is the car'])}", f"do you have {rng.choice(NOUNS)}",
             f"what's the {rng.choice(['address', 'total', 'plan', 'problem', 'number', 'password'])}",
             f"who is going to {b}", f"how long will it take", f"are you {rng.choice(['sure', 'there', 'ready', 'free ' + rng.choice(DAYS), 'still at ' + rng.choice(PLACES)])}",
             f"have you seen {rng.choice(NOUNS)}", f"would you like to {b}", f"what happened"]
    return rng.choice(forms)


def listing(rng):
    k = rng.choice([2, 3, 3, 3, 4, 4, 5])
    items = rng.sample(NOUNS, k)
    conj = rng.choice(["and", "and", "and", "or"])
    if k == 2:
        return f"{items[0]} {conj} {items[1]}"
    oxford = "," if rng.random() < 0.5 else ""
    return ", ".join(items[:-1]) + f"{oxford} {conj} {items[-1]}"


# --- more general comma rules (issue 28): introductory phrases, participles, infinitives,
# parentheticals, appositives, non-restrictive relative clauses, dates, places, direct speech,
# contrast, series of verbs and adjectives, trailing add-ons, short answers; and the shapes
# of each that take no comma (restrictive "that"/"who", "I think" + clause, "please" inside).
INTRO_PHRASES = ["last week", "yesterday", "this morning", "in my opinion", "for some reason",
                 "to be fair", "at the moment", "right now", "at first", "in the end",
                 "after lunch", "after a while", "as a result", "in general", "for now",
                 "at this point", "most of the time", "just in case", "on second thought",
                 "either way", "in any case", "as usual", "until then", "so far", "personally",
                 "apparently", "hopefully", "ideally", "normally", "usually", "sometimes",
                 "fortunately", "surprisingly", "in other words", "for instance", "that said",
                 "even so", "still", "then", "instead", "similarly", "finally", "lastly",
                 "second", "next", "of course", "in the past", "a few days ago", "last night",
                 "earlier today", "since then", "by then", "until now", "from now on",
                 "at the same time", "in that case", "on the bright side", "believe it or not",
                 "needless to say", "as a matter of fact", "generally speaking", "later",
                 "clearly", "again", "overall", "technically", "thankfully", "therefore",
                 "as a result of that", "to be clear", "to be safe", "for the record"]
ROLES = ["the manager", "my colleague", "the new nurse", "our accountant", "the driver",
         "my neighbor", "your agent", "the landlord", "the owner", "my supervisor",
         "my best friend", "the receptionist", "a friend of mine", "our lawyer", "the mechanic",
         "my cousin", "the sales rep", "our IT guy", "my doctor", "the project lead"]
RELATIVES = ["my brother", "my sister", "my husband", "my wife", "my son", "my daughter",
             "my friend", "my boss", "my neighbor", "my uncle", "my aunt", "my partner"]
THINGS = ["the new phone", "my laptop", "the old printer", "the car", "the apartment",
          "the hotel", "the blue jacket", "the package", "my card", "the first invoice",
          "the app", "the restaurant", "the router", "the washing machine", "the contract"]
REL_CLAUSES = ["I bought last week", "we ordered on {day}", "you sent me", "I got from {place}",
               "my brother gave me", "they recommended", "we booked", "I returned"]
PREDICATES = ["stopped working", "broke down", "is still in the box", "was really expensive",
              "never arrived", "works fine now", "was too small", "has a problem",
              "is much better", "was a waste of money", "is on the way", "looks great"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = DAYS[:7]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth", "fifteenth", "eighteenth", "twentieth",
            "twenty first", "twenty second", "twenty third", "twenty fifth", "thirtieth",
            "thirty first"]
YEARS = ["twenty twenty four", "twenty twenty five", "twenty twenty three", "two thousand nineteen",
         "nineteen ninety eight", "twenty twenty", "two thousand and five", "nineteen eighty seven",
         "2024", "2025", "2019", "1998"]
CITIES = [("Austin", "Texas"), ("Portland", "Oregon"), ("Paris", "France"), ("Toronto", "Canada"),
          ("Miami", "Florida"), ("Denver", "Colorado"), ("Dublin", "Ireland"),
          ("Springfield", "Illinois"), ("Phoenix", "Arizona"), ("Lyon", "France"),
          ("Manchester", "England"), ("Sydney", "Australia"), ("Columbus", "Ohio"),
          ("Atlanta", "Georgia"), ("Vancouver", "Canada"), ("Nashville", "Tennessee")]
ADJECTIVES = ["fast", "cheap", "easy", "reliable", "quiet", "clean", "friendly", "expensive",
              "slow", "loud", "small", "comfortable", "simple", "safe", "modern", "helpful",
              "rude", "confusing", "warm", "bright", "long", "boring", "short", "busy"]
SAY = ["said", "told me", "asked", "replied", "shouted", "whispered", "wrote", "explained"]
ENDINGS = ["though", "then", "anyway", "actually", "I think", "I guess", "I suppose",
           "by the way", "if possible", "to be honest", "for sure", "of course", "you know",
           "as usual", "I hope", "unfortunately", "again", "apparently", "I believe"]
SHORT = ["that's all", "I'm good", "that's it", "that's fine", "that works", "all good",
         "nothing else", "not right now", "I'm all set", "that's perfect", "that's everything",
         "I think so", "no problem", "sounds great", "will do", "got it", "that helps"]
COURTESY = ["thanks", "thank you", "thanks a lot", "thank you so much", "thanks again",
            "cheers", "much appreciated"]
DOUBLE = {"get", "stop", "drop", "ship", "run", "set", "put", "sit", "shop", "plan", "forget",
          "begin", "transfer", "cut", "swim", "hit", "chat", "log", "grab", "text"}


def _ing(base):
    verb, _, rest = base.partition(" ")
    if verb in DOUBLE and verb != "text":
        g = verb + verb[-1] + "ing"
    elif verb.endswith("ie"):
        g = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith("ee") and verb not in ("be",):
        g = verb[:-1] + "ing"
    else:
        g = verb + "ing"
    return (g + " " + rest).strip()


def _date(rng):
    r = rng.random()
    m, o = rng.choice(MONTHS), rng.choice(ORDINALS)
    if r < 0.35:
        return f"{rng.choice(WEEKDAYS)}, {m} {o}", False
    if r < 0.7:
        y = rng.choice(YEARS)
        if y.isdigit():
            o = str(rng.randint(1, 28))
        return f"{m} {o}, {y}", True    # a comma after the year inside a sentence too
    if r < 0.85:
        return f"{m} {rng.choice(YEARS)}", False   # month and year: no comma
    return f"the {o} of {m}", False


def _subject(rng):
    return rng.choice(SUBJECTS)


def _clause_lc(rng):
    c = clause(rng)
    return c


def more_sentence(rng):
    """One sentence without its final mark, and whether it is a question."""
    r = rng.random()
    b, p = _action(rng)
    if r < 0.09:      # introductory phrase, main clause
        intro = rng.choice(INTRO_PHRASES + [f"on {rng.choice(WEEKDAYS)}", f"in {rng.choice(PLACES[:11])}",
                                            f"at {rng.choice(PLACES[11:])}", f"after {_ing(_action(rng)[0])}",
                                            f"before {_ing(_action(rng)[0])}", f"by {_ing(_action(rng)[0])}"])
        if rng.random() < 0.25:
            return f"{intro}, {question(rng)}", True
        return f"{intro}, {clause(rng)}", False
    if r < 0.14:      # participial phrase
        part = rng.choice([f"{_ing(b)}", f"after {_ing(b)}", f"while {_ing(b)}",
                           f"{rng.choice(['feeling', 'being'])} {rng.choice(['tired', 'sick', 'new here', 'a bit confused', 'in a hurry'])}",
                           f"{rng.choice(['looking at', 'checking', 'reading'])} {rng.choice(['the bill', 'the email', 'my account', 'the website', 'the receipt'])}"])
        subj = rng.choice(["I", "we", "she", "he", "they"])
        return f"{part}, {subj} {_action(rng)[1]}", False
    if r < 0.19:      # infinitive of purpose first
        b2, _ = _action(rng)
        main = rng.choice([f"{b2}", f"you need to {b2}", f"you have to {b2}", f"I had to {b2}",
                           f"press {rng.choice(['one', 'two', 'three', 'zero', 'the star key'])}",
                           f"go to {rng.choice(['settings', 'the website', 'the main menu', 'your account'])}",
                           "we need your account number"])
        return f"to {b}, {main}", False
    if r < 0.25:      # parenthetical inside the clause
        marker = rng.choice(["however", "of course", "I think", "by the way", "in fact",
                             "unfortunately", "as you know", "apparently", "for example",
                             "I believe", "to be honest", "as usual", "therefore", "though"])
        return f"{_subject(rng)}, {marker}, {p}", False
    if r < 0.31:      # appositive, and the restrictive name after a relation (no commas)
        name = rng.choice(CAPITAL_NAMES)
        k = rng.random()
        if k < 0.3:
            return f"{name}, {rng.choice(ROLES)}, {p}", False
        if k < 0.55:
            return f"{rng.choice(RELATIVES)}, {name}, {p}", False
        if k < 0.8:
            return f"{rng.choice(['I spoke to', 'I talked to', 'you can ask', 'I was helped by', 'please call'])} {name}, {rng.choice(ROLES)}", False
        return f"{rng.choice(['hi', 'hello', 'good morning', 'good afternoon'])}, this is {name} {rng.choice(['from the bank', 'from customer service', 'calling about your order', 'from the clinic', 'from accounting', ''])}".strip(), False
    if r < 0.37:      # relative clauses: which/who with commas, that/who restrictive without
        thing = rng.choice(THINGS)
        rel = _fill(rng.choice(REL_CLAUSES), rng)
        k = rng.random()
        if k < 0.35:
            return f"{thing}, which {rng.choice(REL_CLAUSES[:1] + ['was on sale', 'cost a fortune', 'is brand new', 'I love'])}, {rng.choice(PREDICATES)}", False
        if k < 0.65:
            return f"{thing} that {rel} {rng.choice(PREDICATES)}", False
        if k < 0.8:
            name = rng.choice(CAPITAL_NAMES)
            return f"{name}, who {rng.choice(['works in sales', 'lives next door', 'is on vacation', 'knows the system', 'started last week'])}, {p}", False
        return f"the {rng.choice(['person', 'guy', 'woman', 'agent', 'man'])} who {rng.choice(['answered the phone', 'called me', 'helped me', 'was here yesterday'])} {p}", False
    if r < 0.43:      # dates
        d, tail_comma = _date(rng)
        k = rng.random()
        if k < 0.4:
            return f"{rng.choice(['the appointment is on', 'it is due on', 'we arrive on', 'I was born on', 'the meeting is on', 'my flight leaves on', 'the contract ends on'])} {d}", False
        if k < 0.75:
            return f"on {d}, {clause(rng)}", False
        if tail_comma:
            return f"{_subject(rng)} {p} on {d}, {rng.choice(['and it was fine', 'but nobody was there', 'so we are late'])}", False
        return f"{_subject(rng)} {p} on {d} {rng.choice(['before noon', 'at three thirty', 'in the morning', 'after work'])}", False
    if r < 0.48:      # places: city, state
        city, region = rng.choice(CITIES)
        k = rng.random()
        if k < 0.5:
            return f"{rng.choice(['I live in', 'we moved to', 'the office is in', 'I grew up in', 'she works in', 'the package is in'])} {city}, {region}", False
        if k < 0.75:
            c2, r2 = rng.choice(CITIES)
            return f"{rng.choice(['we drove from', 'I flew from', 'they moved from'])} {city}, {region}, to {c2}", False
        return f"in {city}, {rng.choice([clause(rng)])}", False
    if r < 0.54:      # direct speech
        verb = rng.choice(SAY)
        subj = rng.choice(["she", "he", "the agent", "my boss", "the doctor", "they", _subject(rng)])
        if verb == "asked":
            inner = _cap(question(rng)) + "?"
            qq = False
        else:
            inner = _cap(clause(rng)) + rng.choice([".", ".", "!"])
            qq = False
        if rng.random() < 0.6:
            return f'{subj} {verb}, "{inner}"', qq
        inner = inner[:-1]
        mark = "," if verb != "asked" else "?"
        return f'"{inner}{mark}" {subj} {verb}', qq
    if r < 0.59:      # contrast
        a, b2 = rng.sample(NOUNS, 2)
        k = rng.random()
        if k < 0.5:
            return f"{rng.choice(['I wanted', 'I ordered', 'we asked for', 'I need', 'it was'])} {a}, not {b2}", False
        d1, d2 = rng.sample(WEEKDAYS, 2)
        return f"{rng.choice(['the meeting is on', 'I said', 'it was'])} {d1}, not {d2}", False
    if r < 0.66:      # series of verbs or adjectives (two: no comma)
        k = rng.choice([2, 3, 3, 4])
        if rng.random() < 0.5:
            acts = [_action(rng)[1] for _ in range(k)]
            joined = (" and ".join(acts) if k == 2 else
                      ", ".join(acts[:-1]) + rng.choice([",", ""]) + f" and {acts[-1]}")
            return f"{_subject(rng)} {joined}", False
        adjs = rng.sample(ADJECTIVES, k)
        joined = (f"{adjs[0]} {rng.choice(['and', 'but'])} {adjs[1]}" if k == 2 else
                  ", ".join(adjs[:-1]) + rng.choice([",", ""]) + f" and {adjs[-1]}")
        return f"{rng.choice(['it is', 'it was', 'the service was', 'the room was', 'the staff were', 'the new system is'])} {joined}", False
    if r < 0.74:      # trailing add-on after a clause, or courtesy after a short answer
        k = rng.random()
        if k < 0.45:
            return f"{clause(rng)}, {rng.choice(ENDINGS)}", False
        if k < 0.8:
            lead = rng.choice(["no, ", "nope, ", "yes, ", "okay, ", "um, ", "", "", ""])
            return f"{lead}{rng.choice(SHORT)}, {rng.choice(COURTESY)}", False
        return f"{rng.choice(REPLIES)}, {rng.choice(COURTESY)}", False
    if r < 0.82:      # short answers
        yn = rng.choice(["yes", "no", "yeah", "nope", "yep", "sure", "oh yes", "well no"])
        pro = rng.choice(["I", "we", "it", "he", "she", "they", "that", "you"])
        common = ["did", "didn't", "can", "can't", "will", "won't", "should", "would", "was", "wasn't"]
        if pro in ("I",):
            auxes = common + ["do", "don't", "have", "haven't", "am"]
        elif pro in ("we", "they", "you"):
            auxes = [a for a in common if a not in ("was", "wasn't")] + ["do", "don't", "have", "haven't", "are", "aren't", "were"]
        else:
            auxes = common + ["does", "doesn't", "has", "hasn't", "is", "isn't"]
        aux = rng.choice(auxes)
        tail = rng.choice(["", "", f", {rng.choice(ENDINGS)}", f", {rng.choice(CAPITAL_NAMES)}",
                           f", {rng.choice(COURTESY)}"])
        if rng.random() < 0.3:
            return f"{yn}, {rng.choice(SHORT + ['that is right', 'not yet', 'of course', 'not at all', 'exactly'])}{tail}", False
        return f"{yn}, {pro} {aux}{tail}", False
    if r < 0.9:       # no comma: I think / I know that / I'm sure + clause, please inside, so that
        k = rng.random()
        if k < 0.5:
            lead = rng.choice(["I think", "I know", "I guess", "I hope", "I'm sure", "I believe",
                               "she said", "he told me", "I heard", "it seems"])
            return f"{lead} {rng.choice(['', 'that '])}{clause(rng)}", False
        if k < 0.8:
            return f"{rng.choice(['could you', 'can you', 'would you'])} please {b}", True
        return f"{_subject(rng)} {p} so that {rng.choice(['we', 'I', 'they'])} could {_action(rng)[0]}", False
    if r < 0.95:      # if ..., then ...; a name in the middle
        if rng.random() < 0.5:
            return f"if {rng.choice(['you', 'we', 'they'])} {b}, then {clause(rng)}", False
        name = rng.choice(CAPITAL_NAMES)
        return f"{rng.choice(['yes', 'no', 'okay', 'well', 'sorry', 'thanks'])}, {name}, {clause(rng)}", False
    # greetings and interjections repeated
    g = rng.choice(["no, no", "okay, okay", "yes, yes", "wait, wait", "sorry, sorry", "oh, oh", "right, right"])
    return f"{g}, {clause(rng)}", False


def sentence(rng):
    """One sentence with its mark and case."""
    if rng.random() < MORE_SHARE:
        s, q = more_sentence(rng)
        s = _cap(" ".join(s.split()))
        return s + ("?" if q else ("!" if rng.random() < 0.03 else "."))
    kind = rng.random()
    q = False
    if kind < 0.12:       # opener, clause
        s = f"{rng.choice(OPENERS)}, {clause(rng) if rng.random() < 0.6 else question(rng)}"
        q = " you " in s or s.split(", ")[-1].split()[0] in ("can", "could", "did", "do", "should", "will", "when", "where", "why", "how", "is", "what", "what's", "who", "are", "have", "would")
        q = q and s.split(", ", 1)[1] not in [c for c in STATES]
    elif kind < 0.2:      # a short reply on its own, or reply, clause
        s = rng.choice(REPLIES)
        if rng.random() < 0.6:
            s += ", " + clause(rng)
        elif rng.random() < 0.5:
            s += ", " + rng.choice(CAPITAL_NAMES)
    elif kind < 0.3:      # vocative at the start or the end
        name = rng.choice(NAMES)
        if rng.random() < 0.5:
            if rng.random() < 0.5:
                s, q = f"{name}, {question(rng)}", True
            else:
                s = f"{name}, {clause(rng)}"
        else:
            if rng.random() < 0.5:
                s, q = f"{question(rng)}, {name}", True
            else:
                s = f"{rng.choice(['thanks', 'thank you', 'hi', 'hello', 'sorry', 'good morning', 'bye', 'see you', 'goodbye', 'nice to meet you', 'yes', 'no', 'okay'])}, {name}"
    elif kind < 0.4:      # please
        b, _ = _action(rng)
        r = rng.random()
        if r < 0.4:
            s, q = f"{rng.choice(['can you', 'could you', 'would you'])} {b}, please", True
        elif r < 0.6:
            s = f"{b}, please"
        elif r < 0.8:
            s = f"please {b}"          # no comma after a leading please
        else:
            s = f"{rng.choice(['one moment', 'hold on', 'yes', 'a coffee', 'the bill', 'two tickets', 'this one', 'a table for two'])}, please"
    elif kind < 0.52:     # introductory clause, main clause
        intro = _fill(rng.choice(INTRO_CLAUSES), rng)
        if rng.random() < 0.3:
            s, q = f"{intro}, {question(rng)}", True
        else:
            s = f"{intro}, {clause(rng)}"
    elif kind < 0.62:     # main clause, then a clause after it: no comma
        s = f"{clause(rng)} {_fill(rng.choice(AFTER_CLAUSES), rng)}"
    elif kind < 0.74:     # two clauses with a conjunction
        a, b = clause(rng), clause(rng)
        conj = rng.choice(["but", "but", "so", "and", "or", "yet"])
        s = f"{a}, {conj} {b}"
    elif kind < 0.8:      # one subject, two verbs: no comma
        subj = rng.choice(SUBJECTS)
        (_, p1), (_, p2) = _action(rng), _action(rng)
        s = f"{subj} {p1} and {p2}"
    elif kind < 0.88:     # list
        r = rng.random()
        lst = listing(rng)
        if r < 0.4:
            s = f"{rng.choice(['we need', 'I bought', 'please bring', 'I forgot', 'they sent', 'can you get'])} {lst}"
            q = s.startswith("can")
        elif r < 0.7:
            s = f"{rng.choice(['I was in', 'we visited', 'she lived in', 'they flew to'])} " + ", ".join(rng.sample(PLACES[:15], rng.choice([2, 3, 3]))).rsplit(", ", 1)[0] + f", and {rng.choice(PLACES[:15])}"
        else:
            s = f"do you want {lst}"
            q = True
    elif kind < 0.93:     # tag question
        s, q = f"{clause(rng)}, {rng.choice(TAGS)}", True
    else:                 # plain sentence or question
        if rng.random() < 0.5:
            s, q = question(rng), True
        else:
            s = clause(rng) + (" " + rng.choice(DAYS) if rng.random() < 0.4 else "")
    if q is False and kind < 0.4 and s.split(", ")[-1].split()[0] in ("can", "could", "did", "do", "would"):
        q = True
    s = _cap(s.strip())
    mark = "?" if q else ("!" if rng.random() < 0.03 else ".")
    return s + mark


def generate(n, rng):
    out = []
    for _ in range(n):
        k = rng.choice([1, 1, 1, 2, 2, 3])
        out.append(" ".join(sentence(rng) for _ in range(k)))
    return out


if __name__ == "__main__":
    for t in generate(40, random.Random(1)):
        print(t)
