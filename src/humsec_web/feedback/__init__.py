"""The feedback and complaints log (accountability to affected populations): items received through
any channel, coded with a coding framework (the Red Cross Type > Category > Code), referred, answered
and closed; sensitive items (protection, sexual exploitation and abuse) visible only to designated
staff; summaries computed by :func:`humsec.voice.summarise_feedback`."""
