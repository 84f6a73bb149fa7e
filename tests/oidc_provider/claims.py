def userinfo(claims, user):
    """The e-mail and whether it is verified: users in the group "unverified" are not."""
    claims["email"] = user.email
    claims["email_verified"] = not user.groups.filter(name="unverified").exists()
    claims["name"] = user.get_full_name()
    return claims
