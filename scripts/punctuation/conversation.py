"""Conversational turns for the punctuation model, generated from general English comma rules.

The Debian text that scripts/punctuation/train.py learns from is mostly definitions, glosses and
quotations: few people talking, so few of the commas of speech (after "well", "yes", "thanks",
around a name said to someone, before "please" at the end, between two clauses joined by "but"
or "so", in lists, before a tag question). This module writes such turns from slot lists and
rules written for Earshot (no corpus sentence is copied), and just as many that must stay
without a comma (a clause after the main one, two verbs of one subject joined by "and", "please"
at the start), so the model learns the rule and not "always a comma before and".
more_sentence() (MORE_SHARE of the other sentences) adds further general rules: introductory phrases,
participial and infinitive openings, parentheticals, appositives, non-restrictive relative
clauses (and restrictive ones without commas), dates, city and state, direct speech, contrast,
series of verbs and adjectives, trailing words, short answers, and "I think" + clause,
"could you please", "so that" without a comma. call_sentence() (CALL_SHARE of the sentences)
writes the speech of a call to a voice agent or a contact centre, both sides: acknowledgements,
service-talk introductions, greetings, fillers, instruction steps, coordinate adjectives, and
their no-comma counterparts, some slots filled from Debian's wordnet-base and wamerican.
clauses_sentence() (CLAUSES_SHARE) puts clauses together: a subordinate clause before the main
one (comma) or after it (none, but "although" takes one), object clauses after "I think" and
the like (none), and wh- and yes/no questions of many shapes.

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


# --- issue 28, v5: the speech of a call to a voice agent or a contact centre (both sides), from
# general English comma rules: an acknowledgement before the agent's next step ("okay, let me
# check that"), introductory phrases of service talk ("just to confirm,", "for security
# reasons,"), a greeting and a self-introduction, fillers set off ("I, um, called"), steps of an
# instruction ("first, ..., then ..."), coordinate adjectives ("a long, slow call") and
# cumulative ones without a comma ("a big red car"), a clause with "which" after the main one,
# and "and" or "but" after a short reply; and what takes none ("I was wondering if", "not X but
# Y", "either ... or", "he said that", an object clause). Slots are also filled with nouns and
# capitalised names from Debian's wordnet-base and wamerican, so the shapes are learnt apart
# from the few words of the lists above.
CALL_SHARE = 0.25   # share of sentences from call_sentence()
ACKS = ["okay", "alright", "sure", "certainly", "absolutely", "no problem", "of course", "great",
        "perfect", "got it", "thank you", "thanks", "all right", "I see", "I understand",
        "right", "understood", "yes", "no worries", "excellent", "wonderful", "sounds good",
        "oh", "ah", "hmm", "okay great", "sure thing", "very good"]
AGENT_STEPS = ["let me check that for you", "let me look that up", "I can help you with that",
               "I've updated your address", "I'll transfer you now", "your order has been cancelled",
               "I see the charge on your account", "I'll send you a confirmation email",
               "your appointment is booked", "the refund should arrive in three to five days",
               "I've made a note on your account", "I can see your booking here",
               "I'll need to verify your identity first", "your password has been reset",
               "the technician will be there between nine and twelve", "I've added that to your order",
               "I'm going to put you on a brief hold", "your balance is up to date",
               "we'll waive the late fee this time", "I've sent a text to your phone",
               "the payment is still pending", "your new card will arrive next week",
               "I'll escalate this to my supervisor", "there's a small fee for that",
               "you're all set", "everything looks good on our end", "I've cancelled the old plan"]
AGENT_QUESTIONS = ["can I have your account number", "could you spell your last name for me",
                   "what's the best number to reach you", "is there anything else I can help you with",
                   "how can I help you today", "may I ask who's calling", "would you like me to {b}",
                   "do you want me to {b}", "can you confirm your date of birth",
                   "what's the email address on the account", "is this still the best address",
                   "when did you first notice the problem", "have you tried restarting it",
                   "are you calling about your recent order", "which card would you like to use",
                   "do you have the order number handy", "is now a good time to talk",
                   "would you prefer morning or afternoon", "can you hear me now",
                   "did that answer your question", "shall I {b} for you", "what seems to be the problem",
                   "how would you like to pay", "is it the same address as before"]
CALL_INTROS = ["just to confirm", "just so you know", "for security reasons", "for your reference",
               "as of today", "according to our records", "if you'd like", "if you have any questions",
               "while I have you", "in the meantime", "once that's done", "as a courtesy",
               "for future reference", "just to be sure", "at this time", "before we continue",
               "to start with", "looking at your account", "as I mentioned", "on our end",
               "from what I can see", "if it helps", "to make it easier", "for a faster service",
               "in most cases", "during the call", "after the tone", "by law", "to be on the safe side",
               "if nothing changes", "with that in mind", "on that note", "at your convenience"]
FILLERS = ["um", "uh", "like", "you know", "I mean", "well", "er", "basically", "kind of"]
PROBLEMS = ["my internet keeps dropping", "I was charged twice", "my package never arrived",
            "I can't log in", "the app won't open", "my bill is higher than usual",
            "I need to change my address", "I want to cancel my subscription",
            "I lost my card", "my order came damaged", "I never got the refund",
            "the technician didn't show up", "my phone has no signal", "I forgot my password",
            "I'd like to book an appointment", "the heating isn't working", "my flight was cancelled"]
COMPANIES = ["the bank", "customer support", "the clinic", "Acme Insurance", "the help desk",
             "City Gas", "the pharmacy", "the travel desk", "North Star Mobile", "the front desk"]
COORD_ADJ = ["long", "slow", "tiring", "friendly", "quick", "noisy", "cheap", "cold", "clean",
             "quiet", "expensive", "simple", "reliable", "confusing", "helpful", "rude", "warm"]
CUMUL = ["a big red car", "the old wooden table", "a small black box", "two large pizzas",
         "the first three weeks", "a nice little cafe", "the new blue jacket", "several old friends",
         "my last two bills", "a short phone call", "the main front door", "a cheap plastic case"]
STEPS = ["go to settings", "tap your name", "select password", "enter the code", "press save",
         "open the app", "sign in again", "choose billing", "click the link", "restart the router",
         "wait thirty seconds", "unplug the cable", "plug it back in", "scroll down", "tap confirm",
         "check the box", "enter your zip code", "hold the button", "select the account"]
_LEXICON = {}


def _lexicon():
    """Nouns (wordnet-base) and capitalised names (wamerican) of the Debian packages, if installed."""
    if not _LEXICON:
        nouns, names = [], []
        try:
            with open("/usr/share/wordnet/index.noun") as f:
                for line in f:
                    w = line.split(" ", 1)[0]
                    if line[0] != " " and w.isalpha() and 3 <= len(w) <= 12:
                        nouns.append(w)
        except OSError:
            pass
        try:
            with open("/usr/share/dict/american-english") as f:
                for line in f:
                    w = line.strip()
                    if w.isalpha() and w[0].isupper() and w[1:].islower() and 3 <= len(w) <= 10:
                        names.append(w)
        except OSError:
            pass
        _LEXICON["nouns"] = sorted(set(nouns)) or [n.split()[-1] for n in NOUNS]
        _LEXICON["names"] = sorted(set(names)) or CAPITAL_NAMES
    return _LEXICON


def _noun(rng):
    """A noun phrase: from the lists most of the time, else any WordNet noun."""
    if rng.random() < 0.6:
        return rng.choice(NOUNS)
    return f"{rng.choice(['the', 'my', 'your', 'this', 'that', 'our'])} {rng.choice(_lexicon()['nouns'])}"


def _name(rng):
    return rng.choice(CAPITAL_NAMES) if rng.random() < 0.6 else rng.choice(_lexicon()["names"])


def _any_clause(rng):
    r = rng.random()
    if r < 0.55:
        return clause(rng)
    if r < 0.75:
        return rng.choice(AGENT_STEPS)
    if r < 0.9:
        return rng.choice(PROBLEMS)
    return f"{rng.choice(SUBJECTS)} {rng.choice(['found', 'lost', 'needs', 'wants', 'sent', 'ordered', 'checked', 'moved'])} {_noun(rng)}"


def call_sentence(rng):
    """One sentence of service talk without its final mark, and whether it is a question."""
    r = rng.random()
    b, p = _action(rng)
    if r < 0.12:      # acknowledgement, the agent's step or question
        if rng.random() < 0.35:
            return f"{rng.choice(ACKS)}, {rng.choice(AGENT_QUESTIONS).format(b=b)}", True
        return f"{rng.choice(ACKS)}, {rng.choice(AGENT_STEPS)}", False
    if r < 0.2:       # the agent's question alone, with a name at the end, or a step and please
        k = rng.random()
        q = rng.choice(AGENT_QUESTIONS).format(b=b)
        if k < 0.5:
            return q, True
        if k < 0.75:
            who = rng.choice(["sir", "ma'am", _name(rng), _name(rng)])
            return f"{q}, {who}", True
        return f"{rng.choice(['one moment', 'hold on', 'bear with me', 'stay on the line', 'just a second'])}, please", False
    if r < 0.3:       # introductory phrase of service talk
        intro = rng.choice(CALL_INTROS)
        if rng.random() < 0.25:
            return f"{intro}, {rng.choice(AGENT_QUESTIONS).format(b=b)}", True
        return f"{intro}, {_any_clause(rng)}", False
    if r < 0.38:      # greeting, self-introduction, reason for the call
        name = _name(rng)
        k = rng.random()
        if k < 0.3:
            return f"{rng.choice(['hi', 'hello', 'good morning', 'good afternoon', 'hey there'])}, my name is {name}, and {rng.choice(PROBLEMS)}", False
        if k < 0.5:
            return f"{rng.choice(['hi', 'hello', 'hi there'])}, I'm calling because {rng.choice(PROBLEMS)}", False
        if k < 0.7:
            return f"thank you for calling {rng.choice(COMPANIES)}, this is {name}", False
        if k < 0.85:
            return f"{rng.choice(['hello', 'hi'])}, {rng.choice(['is this', 'am I speaking to', 'can I speak to'])} {name}", True
        return f"I was wondering if {rng.choice(['you', 'someone'])} could {b}", False   # no comma
    if r < 0.46:      # fillers set off by commas
        f = rng.choice(FILLERS)
        k = rng.random()
        subj = rng.choice(["I", "we", "she", "he", "they", "my wife", "the guy"])
        if k < 0.4:
            return f"{subj}, {f}, {p}", False
        if k < 0.7:
            return f"{f}, {_any_clause(rng)}", False
        return f"{rng.choice(['so', 'and', 'but', 'yeah'])}, {f}, {_any_clause(rng)}", False
    if r < 0.53:      # steps of an instruction
        k = rng.choice([2, 3, 3, 4])
        steps = rng.sample(STEPS, k)
        if rng.random() < 0.5:
            parts = [f"first, {steps[0]}"] + [f"{rng.choice(['then', 'then', 'next,', 'after that,'])} {s}" for s in steps[1:-1]]
            parts.append(rng.choice(["and finally, ", "finally, ", "and then ", "then "]) + steps[-1])
            return ", ".join(parts), False
        return ", ".join(steps[:-1]) + f"{rng.choice([',', ''])} and {steps[-1]}", False
    if r < 0.6:       # coordinate adjectives with a comma, cumulative ones without
        if rng.random() < 0.5:
            a1, a2 = rng.sample(COORD_ADJ, 2)
            return f"{rng.choice(['it was a', 'we had a', 'that was a', 'I had a'])} {a1}, {a2} {rng.choice(['call', 'day', 'trip', 'process', 'week', 'meeting', 'wait'])}", False
        return f"{rng.choice(['I bought', 'we need', 'they sent', 'I saw', 'she has'])} {rng.choice(CUMUL)}", False
    if r < 0.67:      # a "which" clause after the main one; a restrictive relative without commas
        k = rng.random()
        if k < 0.6:
            return f"{_any_clause(rng)}, which {rng.choice(['is great', 'was annoying', 'means we can ' + b, 'took forever', 'makes sense', 'I did not expect', 'is why I am calling', 'helped a lot'])}", False
        return f"{rng.choice(['the one', 'the card', 'the number', 'the email', 'the plan'])} {rng.choice(['you gave me', 'I used', 'on file', 'we talked about', 'that I have'])} {rng.choice(PREDICATES)}", False
    if r < 0.75:      # a short reply and "and" / "but" / "so"
        return f"{rng.choice(['yes', 'no', 'okay', 'right', 'sure', 'yeah'])}, {rng.choice(['and', 'but', 'so'])} {_any_clause(rng)}", False
    if r < 0.82:      # a short question with a lead word
        lead = rng.choice(["sorry", "wait", "so", "okay", "and", "um", "oh", "well", "actually", "hold on"])
        q = rng.choice([question(rng), rng.choice(AGENT_QUESTIONS).format(b=b), "what was that",
                        f"did you say {rng.choice(DAYS)}", "what do I do now", "how long will it take",
                        "can you repeat that", "is that right", "what does that mean"])
        if lead == "and" and rng.random() < 0.5:
            return f"and {q}", True     # a leading "and" usually takes none
        return f"{lead}, {q}", True
    if r < 0.9:       # no comma: not ... but, either ... or, reported speech, object clauses
        k = rng.random()
        if k < 0.25:
            return f"it's not {rng.choice(NOUNS)} but {rng.choice(NOUNS)}", False
        if k < 0.5:
            return f"{rng.choice(['you can either', 'we could either', 'I will either'])} {b} or {_action(rng)[0]}", False
        if k < 0.75:
            return f"{rng.choice(['he said', 'she told me', 'they said', 'the agent said', 'you told me'])} that {_any_clause(rng)}", False
        return f"{rng.choice(['I know', 'I hope', 'I noticed', 'I just found out', 'I was told'])} {_any_clause(rng)}", False
    # two clauses with different subjects joined by and/but, with a noun from WordNet
    return f"{_any_clause(rng)}, {rng.choice(['and', 'but', 'so'])} {_any_clause(rng)}", False


# --- issue 28, v5: clauses put together. A subordinate clause before the main one takes a
# comma and after it none (but "although", "even though" and "whereas" after it take one); an
# object clause after "I think", "I realized", "I'm not sure" takes none and is not a sentence
# of its own; a question is a question whether it starts with a wh-word ("how much is it",
# "what's the weather like in Denver") or an inverted auxiliary, and however long it is.
CLAUSES_SHARE = 0.20   # share of sentences from clauses_sentence()
SUBORDINATORS = ["when", "if", "because", "since", "after", "before", "once", "as soon as",
                 "while", "unless", "until", "whenever", "now that", "as long as", "even if"]
CONTRASTIVE = ["although", "even though", "though", "whereas"]
THINK_VERBS = ["I think", "I thought", "I realized", "I noticed", "I guess", "I feel like",
               "I'm not sure if", "I'm not sure whether", "I wonder if", "I don't know if",
               "I just found out", "I heard", "I figured", "I'm pretty sure", "I believe",
               "I suppose", "I remember", "I forgot", "it looks like", "it seems like",
               "do you know if", "I was told", "they said", "she thinks", "he mentioned",
               "I'm afraid", "I'm glad", "I hope", "I doubt", "we agreed", "I mean"]
WH_FORMS = ["what time does {s} {b}", "how much does {n} cost", "how much is it",
            "how much is {n}", "what's the weather like in {place}", "where can I find {n}",
            "which {thing} are you using", "who do I talk to about {n}", "how long does it take to {b}",
            "why is {n} so expensive", "what did {s} say about {n}", "how often should I {b}",
            "where do I {b}", "when can {s} {b}", "why did {s} {b}", "what should I do about {n}",
            "how do you {b}", "what do you mean", "what's going on with {n}", "how far is {place}",
            "what's the best way to {b}", "who's going to {b}", "what are the opening hours",
            "how many {things} do you need", "which one is cheaper", "what's wrong with {n}",
            "where are you right now", "how was your day", "what happened to {n}",
            "why can't I {b}", "what else do you need", "what's your name", "how old is {n}",
            "whose {thing} is this", "how come {s} didn't {b}", "what kind of {thing} is it"]
YN_FORMS = ["is {n} still available", "are you {adj}", "was it {adj}", "does {s} {b}",
            "do you {b} every day", "can {s} {b}", "would it be possible to {b}", "have you {p}",
            "has {s} {p} yet", "will you be home {day}", "is it okay if I {b}", "should we {b}",
            "did {s} {b}", "isn't {n} {adj}", "don't you want to {b}", "is there a way to {b}",
            "are there any {things} left", "could I {b}", "may I {b}", "is everything okay"]


def _clause2(rng):
    """A clause of any of the kinds above, no final mark."""
    r = rng.random()
    if r < 0.45:
        return clause(rng)
    if r < 0.6:
        return _any_clause(rng)
    s = rng.choice(SUBJECTS)
    b, p = _action(rng)
    many = s in ("we", "you", "they", "the kids")
    if r < 0.75:
        be = rng.choice(["were", "are"] if many else ["was", "is"] if s != "I" else ["was", "am"])
        return f"{s} {rng.choice([be, 'seemed', 'looked', 'got'])} {rng.choice(ADJECTIVES + COORD_ADJ)}"
    if r < 0.9:
        have = rng.choice(["had", "have" if many or s == "I" else "has"])
        return f"{s} {have} {rng.choice(['already', 'just', 'never', ''])} {p}"
    return f"{s} {'were' if many else 'was'} {rng.choice(['trying', 'going', 'planning', 'about'])} to {b}"


def _question2(rng):
    b, p = _action(rng)
    form = rng.choice(WH_FORMS if rng.random() < 0.6 else YN_FORMS)
    q = form.format(s=rng.choice(SUBJECTS), b=b, p=p, n=_noun(rng), place=rng.choice(PLACES),
                    thing=rng.choice(["phone", "plan", "card", "app", "version", "printer", "car", "account", "bag"]),
                    things=rng.choice(["seats", "tickets", "rooms", "copies", "people", "boxes"]),
                    adj=rng.choice(ADJECTIVES + ["sure", "ready", "free", "okay", "busy", "open"]),
                    day=rng.choice(DAYS))
    if rng.random() < 0.2:
        q += " " + rng.choice(DAYS)
    return q


def clauses_sentence(rng):
    """One sentence of clauses put together, without its final mark, and whether it is a question."""
    r = rng.random()
    sub = f"{rng.choice(SUBORDINATORS)} {_clause2(rng)}"
    if r < 0.22:      # subordinate clause first: a comma
        if rng.random() < 0.2:
            return f"{sub}, {_question2(rng)}", True
        return f"{sub}, {_clause2(rng)}", False
    if r < 0.4:       # after the main clause: none, but a contrast takes one
        if rng.random() < 0.25:
            return f"{_clause2(rng)}, {rng.choice(CONTRASTIVE)} {_clause2(rng)}", False
        return f"{_clause2(rng)} {sub}", False
    if r < 0.6:       # an object clause: none
        lead = rng.choice(THINK_VERBS)
        q = lead.startswith("do you")
        return f"{lead} {rng.choice(['', '', 'that '])}{_clause2(rng)}".replace("if that ", "if ").replace("whether that ", "whether "), q
    if r < 0.85:      # a question, with or without something before it
        q = _question2(rng)
        k = rng.random()
        if k < 0.6:
            return q, True
        if k < 0.8:
            return f"{rng.choice(OPENERS + ACKS)}, {q}", True
        return f"{q}, {rng.choice(['or not', 'then', 'by the way', 'do you think', 'exactly', _name(rng)])}", True
    # two independent clauses, each with a subordinate clause of its own
    return f"{sub}, {_clause2(rng)}, {rng.choice(['but', 'and', 'so'])} {_clause2(rng)} {rng.choice(SUBORDINATORS)} {_clause2(rng)}", False


def sentence(rng):
    """One sentence with its mark and case."""
    r = rng.random()
    shared = CALL_SHARE + CLAUSES_SHARE
    if r < shared + MORE_SHARE * (1 - shared):
        s, q = call_sentence(rng) if r < CALL_SHARE else clauses_sentence(rng) if r < shared else more_sentence(rng)
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
        k = rng.choice([1, 1, 1, 2, 2, 3, 4])
        out.append(" ".join(sentence(rng) for _ in range(k)))
    return out


if __name__ == "__main__":
    for t in generate(40, random.Random(1)):
        print(t)
