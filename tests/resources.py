"""Small hand-checked texts shared by the tests.

Each text says next to it what a person counting by hand finds in it; the tests assert
those numbers, so a change in a definition shows up as a failing test.
"""

from __future__ import annotations

# Three sentences of 4, 6 and 2 words: declarative, exclamation, question.
THREE_SENTENCES = "The cat sat down. Then the small dog ran away! Why not?"

# 2 paragraphs (blank line, with a space on it), 5 sentences.
# Paragraph 1: "We met at noon." (4) "It rained, and we left." (5) -> 9 words, 2 sentences
# Paragraph 2: "Why?" (1) "Because I said so!" (4) "Fine." (1) -> 6 words, 3 sentences
TWO_PARAGRAPHS = "We met at noon. It rained, and we left.\n \nWhy? Because I said so! Fine."

# Punctuation, counted by hand:
#   ,  x3   .  x2 (the "..." is an ellipsis)   ;  x1   :  x1   !  x1   ?  x2
#   —  x2 (one typed "—", one typed "--")   –  x1   -  x1 (well-known)   (  x1   )  x1
#   "  x4 (two straight, two curly)   '  x4 (it's, Don't, ‘, ’)   …  x2 ("…" and "...")
PUNCTUATED = (
    'Wait, what? "Really" -- no; it\'s fine: “yes” — said the well-known man, 1–2 times. '
    "Don't stop… (ever)! Why, then... ‘okay’? Done."
)

# Plain English prose of one- and two-syllable words, every sentence longer than two
# words, so textstat (pyphen syllables, which ignores sentences of <= 2 words) and
# personae (vowel groups) count the same words, sentences and syllables.
SIMPLE_PROSE = (
    "The dog ran to the park. It was a warm day and the sun was out. "
    "A boy threw a red ball for the dog. The dog ran fast and got the ball. "
    "Then they sat on the grass and ate lunch. The boy had bread and milk."
)

# A longer English passage (public domain: The Federalist No. 1, Hamilton, 1787).
FEDERALIST = (
    "After an unequivocal experience of the inefficacy of the subsisting federal "
    "government, you are called upon to deliberate on a new Constitution for the United "
    "States of America. The subject speaks its own importance; comprehending in its "
    "consequences nothing less than the existence of the UNION, the safety and welfare "
    "of the parts of which it is composed, the fate of an empire in many respects the "
    "most interesting in the world. It has been frequently remarked that it seems to "
    "have been reserved to the people of this country, by their conduct and example, to "
    "decide the important question, whether societies of men are really capable or not "
    "of establishing good government from reflection and choice, or whether they are "
    "forever destined to depend for their political constitutions on accident and "
    "force. If there be any truth in the remark, the crisis at which we are arrived may "
    "with propriety be regarded as the era in which that decision is to be made; and a "
    "wrong election of the part we shall act may, in this view, deserve to be considered "
    "as the general misfortune of mankind.\n\n"
    "This idea will add the inducements of philanthropy to those of patriotism, to "
    "heighten the solicitude which all considerate and good men must feel for the "
    "event. Happy will it be if our choice should be directed by a judicious estimate "
    "of our true interests, unperplexed and unbiased by considerations not connected "
    "with the public good. But this is a thing more ardently to be wished than seriously "
    "to be expected. The plan offered to our deliberations affects too many particular "
    "interests, innovates upon too many local institutions, not to involve in its "
    "discussion a variety of objects foreign to its merits, and of views, passions and "
    "prejudices little favorable to the discovery of truth."
)

FRENCH = (
    "Il était une fois, dans un petit village de Provence, une jeune fille qui rêvait "
    "de voyager. Chaque matin, elle regardait les nuages passer au-dessus des collines "
    "et imaginait les pays lointains qu'ils allaient visiter. Sa grand-mère lui "
    "racontait des histoires de marins et de caravanes, de tempêtes et de déserts."
)

GERMAN = (
    "Es war einmal ein kleines Dorf am Rande eines großen Waldes. Die Menschen dort "
    "lebten einfach und glücklich, und jeden Abend versammelten sie sich auf dem "
    "Marktplatz, um Geschichten zu erzählen. Der alte Müller kannte die schönsten "
    "Märchen, und die Kinder hörten ihm mit großen Augen zu."
)

# 11 words (loving this view with and mail me at bob example com); hashtags, mentions,
# URLs and emoji are not words.
# emoji: 😍😍 (2) and 👍🏽 (1, with skin tone) -> 3; hashtags 2 (#sunset, #goldenhour);
# mentions 1 (@anna; the e-mail address is not a mention); URLs 2.
SOCIAL = (
    "Loving this view #sunset #goldenhour with @anna 😍😍 "
    "https://example.com/p/123 and www.example.org, mail me at bob@example.com 👍🏽"
)
